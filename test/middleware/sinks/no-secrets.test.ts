/**
 * Every logging sink at once, fed the same calls made with a known API key, on the success
 * and the failure paths: nothing any of them wrote holds a trace of the key. PostgreSQL's
 * sink is a test of its own, which needs PostgreSQL (skipped without it, failed under CI).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import pino from 'pino';
import { createClient, type Middleware } from 'shallot';
import { consoleLogger } from 'shallot/middleware/console-logger';
import { jsonlLogger } from 'shallot/middleware/jsonl-logger';
import { otelLogger } from 'shallot/middleware/otel-logger';
import { pinoLogger } from 'shallot/middleware/pino-logger';
import { dropSpendLog, postgresLogger } from 'shallot/middleware/postgres-logger';
import { webhookLogger } from 'shallot/middleware/webhook-logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../support/fake-provider.js';
import { callsWithKey } from '../../support/keyed-calls.js';
import { itWithPostgres, POSTGRES_URL, testTableName } from '../../support/postgres.js';

const KEY = 'sk-every-sink-7d3f9a1c5e2b4680';
const KEY_TAIL = KEY.slice(8);

const fake = useFakeProvider();
// The webhook is a second local server, answering every post with 200.
const webhook = useFakeProvider({ reply: { status: 200, body: 'ok' } });
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'shallot-secrets-'));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  context.disable();
});

describe('no logging sink ever writes the API key', () => {
  it('holds for console, JSON lines, pino, OpenTelemetry and webhook, on success and failure', async () => {
    const consoleText: string[] = [];
    const pinoText: string[] = [];
    const spans = new InMemorySpanExporter();
    const metricsOut = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter: metricsOut,
      exportIntervalMillis: 3_600_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(spans)],
    });
    const sinks: Middleware[] = [
      consoleLogger({ stream: { write: (text: string) => consoleText.push(text) }, colors: false }),
      jsonlLogger({ path: join(folder, 'calls.jsonl') }),
      pinoLogger(pino({ level: 'info' }, { write: (line: string) => pinoText.push(line) })),
      otelLogger({ tracerProvider, meterProvider, captureContent: true }),
      webhookLogger({
        url: `${webhook.url}/hook`,
        headers: { authorization: 'Bearer webhook-token' },
      }),
    ];
    const client = createClient({
      providers: { openai: { apiKey: KEY, apiBase: fake.url } },
      middleware: sinks,
    });
    const metadata = { api_key: KEY, note: `my key is ${KEY}` };

    await callsWithKey(client, fake, KEY, metadata);
    expect(await client.flush()).toBe(true);
    await reader.forceFlush();

    const outputs: Record<string, string> = {
      console: consoleText.join(''),
      jsonl: readFileSync(join(folder, 'calls.jsonl'), 'utf8'),
      pino: pinoText.join(''),
      otel: JSON.stringify(
        spans.getFinishedSpans().map((span) => ({
          name: span.name,
          attributes: span.attributes,
          events: span.events,
          status: span.status,
        })),
      ),
      metrics: JSON.stringify(metricsOut.getMetrics()),
      webhook: webhook.requests.map((request) => request.text).join('\n'),
    };
    await client.shutdown();

    for (const [sink, text] of Object.entries(outputs)) {
      expect(text.length, `${sink} wrote nothing`).toBeGreaterThan(0);
      expect(text.includes(KEY) || text.includes(KEY_TAIL), `${sink} holds the key`).toBe(false);
    }
    expect(outputs.jsonl?.trim().split('\n')).toHaveLength(5);
    expect(outputs.webhook).not.toContain('webhook-token');
  });

  itWithPostgres('holds for PostgreSQL, on success and failure', async () => {
    const table = testTableName('secrets');
    const client = createClient({
      providers: { openai: { apiKey: KEY, apiBase: fake.url } },
      middleware: [postgresLogger({ connectionString: POSTGRES_URL, table })],
    });
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await callsWithKey(client, fake, KEY, { api_key: KEY, note: `my key is ${KEY}` });
      expect(await client.flush()).toBe(true);
      const rows = await admin.query(`select t::text as row from ${table} t`);
      const text = rows.rows.map((row: { row: string }) => row.row).join('\n');
      expect(rows.rows, 'postgres wrote a row for each call').toHaveLength(5);
      expect(text.includes(KEY) || text.includes(KEY_TAIL), 'postgres holds the key').toBe(false);
    } finally {
      await client.shutdown();
      await dropSpendLog(admin, { table });
      await admin.end();
    }
  });
});
