/**
 * LiteLLM docs, "Log additional metadata": `completion({ metadata })` reaches callbacks as
 * `kwargs.litellm_params.metadata`, and is never sent to the provider.
 */
import shallot, { type CallbackKwargs } from 'shallot';
import { startEchoServer } from '../support/echo-server.js';

const server = await startEchoServer();
process.env.OPENAI_API_KEY = 'your-api-key';

const messages = [{ content: 'Hello, how are you?', role: 'user' as const }];

function customCallback(kwargs: CallbackKwargs) {
  console.log('metadata:', kwargs.litellm_params.metadata);
  console.log('sent to the provider:', JSON.stringify(kwargs.additional_args.complete_input_dict));
}

// Assign the custom callback function
shallot.successCallback = [customCallback];

await shallot.completion({
  model: 'gpt-3.5-turbo',
  messages,
  metadata: { hello: 'world' },
  apiBase: server.url,
});
await shallot.flush();
await server.close();
