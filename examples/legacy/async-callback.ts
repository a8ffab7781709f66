/**
 * LiteLLM docs, "Async Callback Functions": an async handler class, and an async function
 * in `successCallback` (shallot takes async functions in every array, not only success).
 */
import shallot, { type CallbackKwargs, type ChatCompletion, CustomLogger } from 'shallot';
import { startEchoServer } from '../support/echo-server.js';

class MyCustomHandler extends CustomLogger {
  //// ASYNC ////

  override async asyncLogSuccessEvent() {
    console.log('On Async Success');
  }

  override async asyncLogFailureEvent() {
    console.log('On Async Failure');
  }
}

async function asyncTestLoggingFn(
  _kwargs: CallbackKwargs,
  _completionObj: ChatCompletion,
  _startTime: Date,
  _endTime: Date,
) {
  console.log('On Async Success!');
}

const server = await startEchoServer();
const customHandler = new MyCustomHandler();
shallot.callbacks = [customHandler];

async function testChatOpenai() {
  shallot.successCallback = [asyncTestLoggingFn];
  try {
    const response = await shallot.completion({
      model: 'gpt-3.5-turbo',
      messages: [{ role: 'user', content: "Hi 👋 - i'm openai" }],
      stream: true,
      apiBase: server.url,
    });
    for await (const _chunk of response) {
      // read the stream to its end
    }
  } catch (error) {
    console.log(`An error occurred - ${String(error)}`);
  }
}

await testChatOpenai();
await shallot.flush();
await server.close();
