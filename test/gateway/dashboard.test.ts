import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashKey } from '../../gateway/keys/index.js';
import { describeWithBrowser, launchBrowser, screenshotPath } from '../support/browser.js';
import { describeWithPostgres } from '../support/postgres.js';
import { useTestSchemas } from '../support/postgres-schema.js';
import { useShallotCli } from '../support/shallot-cli.js';

const SCREENSHOT = screenshotPath('dashboard.png');
const MASTER = 'sk-master-dashboard-0123456789';
const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

/** The gateway under test: one mock model, virtual keys and the spend log in a schema of its own. */
const configOf = (databaseUrl: string) => `model_list:
  - model_name: gpt
    litellm_params:
      model: openai/gpt-4o-mini
      mock_response: Hello from the dashboard test.
general_settings:
  master_key: ${MASTER}
  database_url: ${databaseUrl}
`;

/** One call the test puts in the spend log: when, which model, key, user and team, what it cost. */
interface SeededCall {
  ageMs: number;
  model: string;
  cost: number;
  user: string | null;
  team: string | null;
  key: { hash: string; alias: string } | null;
  status: 'success' | 'failure';
  latencyMs: number;
}

/** Calls spread over nine days, so that the day and the week differ: every number is known. */
function seededCalls(): SeededCall[] {
  const models = ['gpt-4o', 'claude-sonnet', 'gemini-flash'];
  const users = ['alice', 'bob', null];
  const keys = [
    { hash: hashKey('sk-dashboard-team-a'), alias: 'team-a' },
    { hash: hashKey('sk-dashboard-team-b'), alias: 'team-b' },
  ];
  const calls: SeededCall[] = [];
  for (let index = 0; index < 180; index++) {
    calls.push({
      // Every 75 minutes back from five minutes ago: about 9 days.
      ageMs: 5 * 60_000 + index * 75 * 60_000,
      model: models[index % 3] as string,
      cost: Number(((index % 7) * 0.0125 + 0.001).toFixed(6)),
      user: users[index % 3] ?? null,
      team: index % 2 === 0 ? 'research' : 'product',
      key: keys[index % 4] ?? null,
      status: index % 10 === 9 ? 'failure' : 'success',
      latencyMs: 100 + (index % 13) * 10,
    });
  }
  return calls;
}

async function insertCalls(admin: pg.Client, schema: string, calls: SeededCall[], now: number) {
  for (const call of calls) {
    const start = new Date(now - call.ageMs);
    await admin.query(
      `INSERT INTO "${schema}".shallot_spend_log
        (id, trace_id, start_time, end_time, status, model, provider, provider_model, stream,
         prompt_tokens, completion_tokens, total_tokens, response_cost, saved_cost, cache_hit,
         latency_ms, user_id, tags, metadata, record, key_hash, key_alias, team_id, call_type)
       VALUES ($1, $1, $2, $2, $3, $4, 'openai', $4, false, 10, 5, 15, $5, NULL, false,
         $6, $7, '{}', '{}', '{}', $8, $9, $10, 'completion')`,
      [
        randomUUID(),
        start,
        call.status,
        call.model,
        call.cost,
        call.latencyMs,
        call.user,
        call.key?.hash ?? null,
        call.key?.alias ?? null,
        call.team,
      ],
    );
  }
}

/**
 * Sums of the spend log by a column over a range, straight from SQL: what the page must show
 * (a call through the router is grouped under its model group).
 */
async function spendBy(
  admin: pg.Client,
  schema: string,
  column: 'coalesce(model_group, model)' | 'user_id',
  from: number,
  to: number,
): Promise<Map<string, number>> {
  const { rows } = await admin.query(
    `SELECT coalesce(${column}, '(none)') AS name, sum(coalesce(response_cost, 0))::float8 AS spend
     FROM "${schema}".shallot_spend_log WHERE start_time >= $1 AND start_time < $2 GROUP BY 1`,
    [new Date(from), new Date(to)],
  );
  return new Map(rows.map((row) => [row.name as string, row.spend as number]));
}

async function countIn(admin: pg.Client, schema: string, from: number, to: number) {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS requests, count(*) FILTER (WHERE status <> 'success')::int AS errors,
       sum(coalesce(response_cost, 0))::float8 AS spend,
       sum(coalesce(prompt_tokens, 0))::int AS prompt, sum(coalesce(completion_tokens, 0))::int AS completion,
       count(*) FILTER (WHERE cache_hit)::int AS hits,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
     FROM "${schema}".shallot_spend_log WHERE start_time >= $1 AND start_time < $2`,
    [new Date(from), new Date(to)],
  );
  return rows[0] as {
    requests: number;
    errors: number;
    spend: number;
    prompt: number;
    completion: number;
    hits: number;
    p50: number;
    p99: number;
  };
}

/** The page's state once it has drawn a range: what `window.shallotDashboard` holds. */
interface Drawn {
  query: { from: number; to: number; by: string };
  bucketMs: number;
  buckets: number[];
  spend: Array<{ name: string; values: number[] }>;
}

async function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const data = (globalThis as unknown as { shallotDashboard: { data: Drawn } }).shallotDashboard
      .data;
    return {
      query: data.query,
      bucketMs: data.bucketMs,
      buckets: data.buckets,
      spend: data.spend,
    };
  });
}

/** A chart's data table, read from the DOM: each series' total (its footer). */
async function chartTotals(page: Page, chart: string): Promise<Map<string, number>> {
  const pairs = await page.$$eval(
    `table[data-chart-table="${chart}"] tfoot [data-series][data-value]`,
    (cells) =>
      cells.map((cell) => {
        const { series, value } = (cell as unknown as { dataset: Record<string, string> }).dataset;
        return [series as string, Number(value)] as const;
      }),
  );
  return new Map(pairs);
}

async function tile(page: Page, name: string): Promise<number> {
  return Number(await page.getAttribute(`[data-total="${name}"]`, 'data-value'));
}

/** Waits for the page to finish drawing a range that satisfies `test`. */
async function waitForRange(page: Page, test: string) {
  await page.waitForFunction(test, undefined, { timeout: 10_000 });
  await page.waitForSelector('body[data-state="ready"]');
}

function expectSameSums(shown: Map<string, number>, expected: Map<string, number>) {
  expect([...shown.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, spend] of expected) expect(shown.get(name)).toBeCloseTo(spend, 9);
}

describeWithBrowser('the gateway dashboard (/ui) in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  describeWithPostgres('with the spend log and the keys in PostgreSQL', () => {
    const testSchema = useTestSchemas();
    const cli = useShallotCli();

    it('shows what the database holds, by range and grouping; creates and revokes keys; downloads a CSV equal to SQL', async () => {
      const schema = await testSchema('dashboard');
      const admin = await schema.admin();
      const served = await cli.served(await cli.configFile('dashboard.yaml', configOf(schema.url)));
      const callGpt = (key: string) =>
        fetch(`${served.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'Hi' }] }),
        });
      // A call through the gateway makes the spend log (and its rollup); then the test's calls.
      expect((await callGpt(MASTER)).status).toBe(200);
      await expect
        .poll(
          async () =>
            (
              await admin.query('SELECT to_regclass($1) AS log', [
                `"${schema.name}".shallot_spend_log`,
              ])
            ).rows[0]?.log,
          { timeout: 10_000 },
        )
        .not.toBeNull();
      const now = Date.now();
      await insertCalls(admin, schema.name, seededCalls(), now);

      // Someone without the master key sees no data.
      const refused = await fetch(`${served.url}/ui/api/data`, {
        headers: { authorization: 'Bearer sk-not-the-master' },
      });
      expect(refused.status).toBe(401);

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${served.url}/ui`);
      await page.waitForSelector('body[data-state="login"]');
      await page.fill('#login-key', MASTER);
      await page.press('#login-key', 'Enter');
      await page.waitForSelector('body[data-state="ready"]');

      // The last day (the default), by model: tiles and the spend chart's table equal SQL.
      let shown = await drawn(page);
      expect(shown.query.by).toBe('model');
      expect(shown.query.to - shown.query.from).toBe(DAY);
      const day = await countIn(admin, schema.name, shown.query.from, shown.query.to);
      expect(day.requests).toBeGreaterThan(10);
      expect(await tile(page, 'requests')).toBe(day.requests);
      expect(await tile(page, 'errors')).toBe(day.errors);
      expect(await tile(page, 'spend')).toBeCloseTo(day.spend, 9);
      expect(await tile(page, 'latency-p50')).toBeCloseTo(day.p50, 9);
      expect(await tile(page, 'latency-p99')).toBeCloseTo(day.p99, 9);
      expect(await tile(page, 'cache-hits')).toBe(day.hits);
      // Every chart's data table adds up to what SQL says of the range.
      const requests = await chartTotals(page, 'requests');
      expect([requests.get('requests'), requests.get('errors')]).toEqual([
        day.requests,
        day.errors,
      ]);
      const tokens = await chartTotals(page, 'tokens');
      expect([tokens.get('prompt_tokens'), tokens.get('completion_tokens')]).toEqual([
        day.prompt,
        day.completion,
      ]);
      expect((await chartTotals(page, 'cache')).get('cache_hits')).toBe(day.hits);
      expectSameSums(
        await chartTotals(page, 'spend'),
        await spendBy(
          admin,
          schema.name,
          'coalesce(model_group, model)',
          shown.query.from,
          shown.query.to,
        ),
      );
      await page.screenshot({ path: SCREENSHOT, fullPage: false });

      // The CSV of the spend chart: one row per bucket, each cell the bucket's SQL sum.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('button[data-csv="spend"]'),
      ]);
      const csv = await readFile((await download.path()) as string, 'utf8');
      const [header, ...lines] = csv.trim().split('\r\n');
      const columns = (header as string).split(',');
      expect(columns[0]).toBe('bucket_start');
      expect(lines).toHaveLength(shown.buckets.length);
      const { rows: perBucket } = await admin.query(
        `SELECT floor(extract(epoch FROM start_time) * 1000 / $3)::float8 * $3 AS bucket,
             coalesce(model_group, model) AS model, sum(coalesce(response_cost, 0))::float8 AS spend
           FROM "${schema.name}".shallot_spend_log
           WHERE start_time >= $1 AND start_time < $2 GROUP BY 1, 2`,
        [new Date(shown.query.from), new Date(shown.query.to), shown.bucketMs],
      );
      const expected = new Map(perBucket.map((row) => [`${row.bucket}|${row.model}`, row.spend]));
      let cells = 0;
      for (const line of lines) {
        const [start, ...values] = line.split(',');
        const bucket = Date.parse(start as string);
        values.forEach((value, index) => {
          const model = columns[index + 1] as string;
          const sql = (expected.get(`${bucket}|${model}`) as number | undefined) ?? 0;
          expect(Number(value)).toBeCloseTo(sql, 9);
          if (sql > 0) cells++;
        });
      }
      expect(cells).toBe(expected.size);

      // The router's deployment, live from the gateway: its group, model and state (its
      // requests this minute depend on when the minute turned: not asserted).
      const deployments = await page.$$eval(
        'table[data-table="deployments"] tbody tr[data-name]',
        (rows) =>
          rows.map((row) =>
            Object.fromEntries(
              [...row.querySelectorAll('[data-column]')].map((cell) => {
                const { column, value } = (cell as unknown as { dataset: Record<string, string> })
                  .dataset;
                return [column, value ?? (cell as unknown as { textContent: string }).textContent];
              }),
            ),
          ),
      );
      expect(deployments).toHaveLength(1);
      expect(deployments[0]).toMatchObject({
        modelName: 'gpt',
        model: 'openai/gpt-4o-mini',
        state: 'healthy',
        inFlight: '0',
      });

      // The last week, by user.
      await page.click('button[data-span="7d"]');
      await waitForRange(
        page,
        `window.shallotDashboard.data.query.to - window.shallotDashboard.data.query.from === ${7 * DAY}`,
      );
      await page.selectOption('#group-by', 'user');
      await waitForRange(page, `window.shallotDashboard.data.query.by === 'user'`);
      shown = await drawn(page);
      const week = await countIn(admin, schema.name, shown.query.from, shown.query.to);
      expect(week.requests).toBeGreaterThan(day.requests);
      expect(await tile(page, 'requests')).toBe(week.requests);
      expectSameSums(
        await chartTotals(page, 'spend'),
        await spendBy(admin, schema.name, 'user_id', shown.query.from, shown.query.to),
      );
      const topKeys = await page.$$eval(
        'table[data-table="top-keys"] tbody tr[data-name]',
        (rows) =>
          rows.map((row) => (row as unknown as { dataset: Record<string, string> }).dataset.name),
      );
      expect(topKeys.sort()).toEqual(['team-a', 'team-b']);

      // A key made on the page calls the gateway; revoked on the page, it is refused.
      await page.click('#new-key');
      await page.fill('#key-form [name="key_alias"]', 'made-in-the-browser');
      await page.click('#key-submit');
      await page.waitForSelector('#created-dialog[open]');
      const key = ((await page.textContent('#created-key')) ?? '').trim();
      expect(key).toMatch(/^sk-/);
      expect((await callGpt(key)).status).toBe(200);
      const row = `table[data-table="keys"] tr[data-token="${hashKey(key)}"]`;
      await page.click('#created-dialog button[type="submit"]');
      await page.waitForSelector(row);
      await page.click(`${row} button[aria-label^="Revoke"]`);
      await page.click('#confirm-dialog button[value="revoke"]');
      await page.waitForSelector(row, { state: 'detached' });
      expect((await callGpt(key)).status).toBe(401);
      await page.close();
      expect(await served.stop()).toBe(0);
    }, 60_000);
  });
});
