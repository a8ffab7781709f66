/**
 * LiteLLM docs, "What's in kwargs?": the keys each event carries, checked through
 * `kwargs.log_event_type`.
 */
import shallot, { type CallbackKwargs, CustomLogger } from 'shallot';
import { startEchoServer } from '../support/echo-server.js';

class ShowKwargs extends CustomLogger {
  override logPreApiCall(_model: string, _messages: unknown, kwargs: CallbackKwargs) {
    show(kwargs);
    console.log('  input (the exact prompt sent):', JSON.stringify(kwargs.input));
    console.log('  api_key (masked):', kwargs.api_key);
  }

  override logPostApiCall(kwargs: CallbackKwargs) {
    show(kwargs);
    console.log('  original_response:', kwargs.original_response);
  }

  override logSuccessEvent(kwargs: CallbackKwargs) {
    show(kwargs);
    console.log('  end_time is a Date:', kwargs.end_time instanceof Date);
  }

  override logFailureEvent(kwargs: CallbackKwargs) {
    show(kwargs);
    console.log('  exception:', kwargs.exception?.name);
  }
}

function show(kwargs: CallbackKwargs) {
  console.log(`${kwargs.log_event_type}: ${Object.keys(kwargs).join(', ')}`);
}

const server = await startEchoServer();
shallot.callbacks = [new ShowKwargs()];
const messages = [{ role: 'user' as const, content: 'Hello' }];

await shallot.completion({
  model: 'gpt-3.5-turbo',
  messages,
  apiBase: server.url,
  apiKey: 'sk-demo-0123456789',
});
await shallot.flush();
await shallot
  .completion({
    model: 'gpt-3.5-turbo',
    messages: [{ role: 'user', content: 'please fail' }],
    apiBase: server.url,
  })
  .catch(() => {});
await shallot.flush();
await server.close();
