/**
 * `shallot report`: the dashboard's charts for a JSONL log, as one HTML file that opens
 * offline, with no gateway. This example logs a few calls (mock answers, no network) through
 * jsonlLogger, then builds the report of the log, as `npx shallot report <log> --out
 * report.html --by user` does, and says where it is: open it in a browser.
 */
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, RateLimitError } from 'shallot';
import { buildReport } from 'shallot/gateway';
import { jsonlLogger } from 'shallot/middleware/jsonl-logger';

const directory = await mkdtemp(join(tmpdir(), 'shallot-report-'));
const log = join(directory, 'logs', 'calls.jsonl');
const client = createClient({ middleware: [jsonlLogger({ path: log })] });
const ask = (content: string) => [{ role: 'user' as const, content }];

const questions = [
  {
    user: 'ann',
    model: 'openai/gpt-4o-mini',
    question: 'What is a shallot?',
    answer: 'A small onion.',
  },
  { user: 'ann', model: 'openai/gpt-4o', question: 'And a leek?', answer: 'A long, mild onion.' },
  { user: 'bob', model: 'openai/gpt-4o-mini', question: 'Is garlic one?', answer: 'A cousin.' },
  { user: 'bob', model: 'openai/gpt-4o', question: 'Chives?', answer: 'The smallest of them.' },
];
for (const { user, model, question, answer } of questions) {
  await client.completion({ model, user, messages: ask(question), mockResponse: answer });
}
const stream = await client.completion({
  model: 'openai/gpt-4o-mini',
  user: 'cid',
  messages: ask('Count the layers.'),
  stream: true,
  mockResponse: 'One, two, three.',
});
for await (const _chunk of stream) {
  // reading to the end
}
await client
  .completion({
    model: 'openai/gpt-4o',
    user: 'cid',
    messages: ask('Too many questions.'),
    mockResponse: new RateLimitError({ message: 'slow down', status: 429 }),
  })
  .catch(() => {});
// Records wait for a batch of 64 or for a second: shutdown() writes them now.
await client.shutdown();

const report = await buildReport({ input: log, out: join(directory, 'report.html'), by: 'user' });
const { totals, spend } = report.data;
console.log(`calls: ${totals.requests} (${totals.errors} failed), ${report.skipped} lines skipped`);
console.log(`tokens: ${totals.promptTokens} in, ${totals.completionTokens} out`);
for (const user of spend) {
  const dollars = user.values.reduce((sum, value) => sum + value, 0);
  console.log(`  ${user.name.padEnd(4)} $${dollars.toFixed(6)}`);
}
const { size } = await stat(report.out);
console.log(`report: ${report.out} (${Math.round(size / 1024)} KiB, opens offline)`);
