/**
 * pinoLogger: every finished call becomes one pino line, with the call record's fields merged
 * in: `info` for a success, `warn` for a failure a retry could fix, `error` for the rest.
 */
import pino from 'pino';
import { createClient, RateLimitError } from 'shallot';
import { pinoLogger } from 'shallot/middleware/pino-logger';

const logger = pino(
  {
    // Only so that this example prints the same lines on every run: no pid, hostname or time,
    // and pino's own redaction removes the fields that change from run to run.
    base: undefined,
    timestamp: false,
    redact: {
      paths: [
        'id',
        'trace_id',
        'start_time',
        'first_token_time',
        'end_time',
        'latency_ms',
        'time_to_first_token_ms',
        'response.id',
        'response.created',
      ],
      remove: true,
    },
  },
  pino.destination({ dest: 1, sync: true }), // stdout
);

const client = createClient({
  middleware: [pinoLogger(logger, { bindings: { service: 'weather-bot' } })],
  redact: { messages: true }, // no conversation in the logs, only the answers
});
const messages = [{ role: 'user' as const, content: 'Will it rain today?' }];

await client.completion({
  model: 'openai/gpt-4o-mini',
  messages,
  mockResponse: 'No rain today.',
  metadata: { tags: ['forecast'] },
});
const stream = await client.completion({
  model: 'openai/gpt-4o-mini',
  messages,
  stream: true,
  mockResponse: 'Sun all day.',
});
for await (const _chunk of stream) {
  // the line is written once, after the last chunk
}
await client
  .completion({
    model: 'openai/gpt-4o-mini',
    messages,
    mockResponse: new RateLimitError({ message: 'Rate limit reached', status: 429 }),
  })
  .catch(() => {}); // logged at warn: a retry could fix it

await client.flush(); // every line is written
