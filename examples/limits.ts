/**
 * Rate limits and budgets as a layer: requests per minute per user, a daily budget per team,
 * and a cap on calls in flight for everyone. A call over a limit fails before any request, with
 * a RateLimitError or a BudgetExceededError that no retry or fallback follows. A local server
 * plays the provider; its model is priced so that the budget runs out after a few calls.
 */
import {
  BudgetExceededError,
  type CallbackKwargs,
  createClient,
  formatUsd,
  PriceBook,
  RateLimitError,
} from 'shallot';
import { limits } from 'shallot/middleware/limits';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();
// A call reserves its prompt and its max_tokens (10) at these prices, and costs what it used.
const price = { 'local/echo-1': { input_cost_per_token: 1e-5, output_cost_per_token: 2e-5 } };
const prices = new PriceBook();
prices.register(price);

const limiter = limits({
  rules: [
    { name: 'per-user', scope: 'user', rpm: 3 },
    {
      name: 'per-team',
      scope: 'team',
      budget: { usd: 0.001, period: 'day', timeZone: 'Europe/Paris' },
    },
    { name: 'everyone', scope: () => 'all', maxParallel: 8 },
  ],
  prices,
});
const client = createClient({
  middleware: [limiter],
  providers: { local: { apiBase: server.url } },
  pricing: price,
});
client.successCallback = [
  (kwargs: CallbackKwargs) => {
    // What each rule had left after the call, as the limits layer wrote it into the metadata.
    const metadata = kwargs.litellm_params.metadata;
    const rules = metadata.limits as Array<{ rule: string; rpm?: { remaining: number } }>;
    const own = rules.find((rule) => rule.rule === 'per-user');
    console.log(
      `  answered, ${formatUsd(kwargs.response_cost ?? 0)}; ${metadata.user} has ${own?.rpm?.remaining} request(s) left this minute`,
    );
  },
];

const ask = (user: string, team: string) =>
  client.completion({
    model: 'local/echo-1',
    messages: [{ role: 'user', content: 'How much is left?' }],
    max_tokens: 10,
    metadata: { user, team },
  });

console.log('alice (team search) makes four calls; her limit is three a minute:');
for (let call = 1; call <= 4; call++) {
  try {
    await ask('alice', 'search');
    await client.flush();
  } catch (error) {
    if (error instanceof RateLimitError) {
      console.log(
        `  ${error.name}: over per-user's 3 requests a minute, retry within ${error.retryAfterMs !== undefined && error.retryAfterMs <= 60_000 ? 'a minute' : '?'}`,
      );
    }
  }
}

console.log(
  'bob, on the same team, finds its daily $0.001 spent (less than a call could cost left):',
);
try {
  await ask('bob', 'search');
} catch (error) {
  if (error instanceof BudgetExceededError) {
    console.log(
      `  ${error.name}: ${error.scope} has spent ${formatUsd(error.spentUsd)} of ${formatUsd(error.limitUsd)}`,
    );
  }
}

console.log('What the team has used, from the store:');
const [, team] = await limiter.usage('search');
console.log(
  `  spent ${formatUsd(team?.budget?.spentUsd ?? 0)} of ${formatUsd(team?.budget?.limitUsd ?? 0)}`,
);
await client.flush();
await server.close();
