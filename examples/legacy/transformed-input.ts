/**
 * LiteLLM docs, "Custom Callback to log transformed Input to LLMs": an input callback sees
 * the exact body sent, after the provider transform, in
 * `kwargs.additional_args.complete_input_dict`.
 */
import shallot, { type CallbackKwargs } from 'shallot';
import { startEchoServer } from '../support/echo-server.js';

function getTransformedInputs(kwargs: CallbackKwargs) {
  const paramsToModel = kwargs.additional_args.complete_input_dict;
  console.log('params to model', paramsToModel);
}

shallot.inputCallback = [getTransformedInputs];

const server = await startEchoServer();
async function testChatOpenai() {
  try {
    await shallot.completion({
      // LiteLLM's page uses claude-2 to show Anthropic's transform; here, OpenAI's format.
      model: 'gpt-3.5-turbo',
      messages: [{ role: 'user', content: "Hi 👋 - i'm openai" }],
      max_tokens: 256,
      apiBase: server.url,
    });
  } catch (error) {
    console.log(error);
  }
}
await testChatOpenai();
await server.close();
