/**
 * A script as users write it: a Redis cache, two calls, no `shutdown()`. It must end on its
 * own. Where Redis is comes from the environment (the test's namespace and URL).
 */
import shallot, { Cache } from 'shallot';

const env = process.env;
shallot.cache = new Cache({
  type: 'redis',
  url: env.SCRIPT_REDIS_URL,
  keyPrefix: env.SCRIPT_KEY_PREFIX,
  ttl: 60,
  timeoutMs: 5000,
  commandTimeout: 5000,
});
const messages = [{ role: 'user', content: `exits on its own ${env.SCRIPT_KEY_PREFIX}` }];
const first = await shallot.completion({
  model: 'openai/gpt-4o-mini',
  messages,
  mockResponse: 'Hi',
});
await shallot.flush();
const again = await shallot.completion({
  model: 'openai/gpt-4o-mini',
  messages,
  mockResponse: 'Hi',
});
console.log(first.choices[0]?.message.content, again.choices[0]?.message.content);
