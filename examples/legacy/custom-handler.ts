/**
 * LiteLLM docs, "Callback Class": a CustomLogger subclass in `shallot.callbacks`.
 * A handler that defines both twins (logSuccessEvent and asyncLogSuccessEvent) fires the
 * async one only, once per event.
 */
import shallot, { CustomLogger } from 'shallot';
import { startEchoServer } from '../support/echo-server.js';

class MyCustomHandler extends CustomLogger {
  override logPreApiCall() {
    console.log('Pre-API Call');
  }

  override logPostApiCall() {
    console.log('Post-API Call');
  }

  override logSuccessEvent() {
    console.log('On Success');
  }

  override logFailureEvent() {
    console.log('On Failure');
  }

  //// ASYNC //// - every shallot call is async, so these win over their sync twins

  override async asyncLogSuccessEvent() {
    console.log('On Async Success');
  }

  override async asyncLogFailureEvent() {
    console.log('On Async Failure');
  }
}

const server = await startEchoServer();
const customHandler = new MyCustomHandler();

shallot.callbacks = [customHandler];

const response = await shallot.completion({
  model: 'gpt-3.5-turbo',
  messages: [{ role: 'user', content: "Hi 👋 - i'm openai" }],
  stream: true,
  apiBase: server.url, // a local OpenAI-compatible server instead of api.openai.com
});
for await (const _chunk of response) {
  // read the stream to its end
}

await shallot.flush(); // success callbacks run after the caller has its answer
await server.close();
