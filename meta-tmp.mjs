import { keyLimitRule } from './dist/gateway/keys/index.js';
import { createClient } from './dist/index.js';
import { limits } from './dist/middleware/limits/index.js';

const limited = createClient({ middleware: [limits({ rules: [keyLimitRule()] })] });
const kl = Object.freeze({ rpm_limit: 1e9, max_parallel_requests: 1e6 });
const keyMeta = Object.freeze({
  user_api_key_hash: 'a'.repeat(64),
  key_alias: 'bench',
  key_limits: kl,
});
const messages = [{ role: 'user', content: 'hi there' }];
const pass = (ctx, next) => next();
for (let i = 0; i < 300000; i++)
  await limited.completion({
    model: 'openai/gpt-4o-mini',
    messages,
    mockResponse: 'ok',
    metadata: { ...keyMeta },
    middleware: [pass],
  });
