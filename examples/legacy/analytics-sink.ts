/**
 * LiteLLM docs, "Custom Callback to write to Mixpanel", with a local analytics endpoint in
 * place of Mixpanel: the success callback posts each response over HTTP, and `flush()` makes
 * sure every post has landed before the script ends.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import shallot, { type CallbackKwargs, type ChatCompletion } from 'shallot';
import { request } from 'undici';

// A local stand-in for Mixpanel's /track endpoint.
const tracked: Array<{ event: string; properties: Record<string, unknown> }> = [];
const analytics = createServer((incoming, outgoing) => {
  let body = '';
  incoming.on('data', (piece) => {
    body += piece;
  });
  incoming.on('end', () => {
    tracked.push(JSON.parse(body));
    outgoing.end('1');
  });
});
await new Promise<void>((resolve) => analytics.listen(0, '127.0.0.1', resolve));
const trackUrl = `http://127.0.0.1:${(analytics.address() as AddressInfo).port}/track`;

const mixpanel = {
  async track(event: string, properties: Record<string, unknown>) {
    const response = await request(trackUrl, {
      method: 'POST',
      body: JSON.stringify({ event, properties }),
    });
    await response.body.text();
  },
};

async function customCallback(
  _kwargs: CallbackKwargs, // kwargs to completion
  completionResponse: ChatCompletion, // response from completion
) {
  // Your custom code here
  await mixpanel.track('LLM Response', { llm_response: completionResponse });
}

// Assign the custom callback function
shallot.successCallback = [customCallback];

await shallot.completion({
  model: 'gpt-3.5-turbo',
  messages: [{ role: 'user', content: "Hi 👋 - i'm openai" }],
  mockResponse: 'Tracked!',
});
await shallot.flush(); // the post to the analytics endpoint has finished
for (const { event, properties } of tracked) {
  const response = properties.llm_response as ChatCompletion;
  console.log(`${event}: ${response.choices[0]?.message.content}`);
}
analytics.close();
