/**
 * jsonlLogger(): appends every call record to a JSON-lines file, in batches, flushed by
 * `client.flush()` and `client.shutdown()`. This example logs a few concurrent calls to a
 * temporary file, reads it back, validates every line and prints a summary.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callRecordSchema, createClient, RateLimitError } from 'shallot';
import { jsonlLogger } from 'shallot/middleware/jsonl-logger';

const directory = await mkdtemp(join(tmpdir(), 'shallot-jsonl-'));
// The logs/ folder does not exist yet: the logger creates it.
const path = join(directory, 'logs', 'llm-calls.jsonl');
const client = createClient({ middleware: [jsonlLogger({ path })] });
const model = 'openai/gpt-4o-mini';
const ask = (content: string) => [{ role: 'user' as const, content }];

try {
  await Promise.all([
    client.completion({
      model,
      messages: ask('What is a shallot?'),
      mockResponse: 'A small onion.',
    }),
    client.completion({ model, messages: ask('And a leek?'), mockResponse: 'A long, mild onion.' }),
    (async () => {
      const stream = await client.completion({
        model,
        messages: ask('Count to three.'),
        stream: true,
        mockResponse: 'One, two, three.',
      });
      for await (const _chunk of stream) {
        // reading to the end
      }
    })(),
    client
      .completion({
        model,
        messages: ask('Too many questions.'),
        mockResponse: new RateLimitError({ message: 'slow down', status: 429 }),
      })
      .catch(() => {}),
  ]);
  // Records wait for a batch of 64 or for a second: shutdown() writes them now.
  await client.shutdown();

  const lines = (await readFile(path, 'utf8')).split('\n');
  lines.pop(); // the text ends with a newline
  const records = lines.map((line) => callRecordSchema.parse(JSON.parse(line)));
  const count = (status: string) => records.filter((record) => record.status === status).length;
  const totalCost = records.reduce((sum, record) => sum + (record.response_cost ?? 0), 0);
  console.log(`lines: ${lines.length}, each a valid call record`);
  console.log(`statuses: ${count('success')} success, ${count('failure')} failure`);
  console.log(`streamed: ${records.filter((record) => record.stream).length}`);
  console.log(`errors: ${records.flatMap((record) => record.error?.class ?? []).join(', ')}`);
  console.log(`total cost: $${totalCost.toFixed(6)}`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
