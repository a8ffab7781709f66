import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { type CallRecord, callRecordSchema } from 'shallot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, factsOf } from '../../gateway/dashboard/aggregate.js';
import type { CallFacts, DeploymentRow, GroupBy, KeyRow } from '../../gateway/dashboard/data.js';
import { renderPage } from '../../gateway/dashboard/page/index.js';
import { buildReport } from '../../gateway/dashboard/report.js';
import { describeWithBrowser, launchBrowser, screenshotPath } from '../support/browser.js';
import { type LocalServer, startLocalServer } from '../support/local-server.js';
import { seededRandom } from '../support/seeded-random.js';
import { type ShallotProcess, useShallotCli } from '../support/shallot-cli.js';

const SCREENSHOT = screenshotPath('report.png');
/** 2026-03-01T00:00:00Z: the log spans three days from here. */
const T0 = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;
const MODELS = [
  'openai/gpt-4o-mini',
  'anthropic/claude-haiku-4-5',
  'gemini/gemini-2.5-flash',
  'openai/gpt-4.1',
];
const KEYS = ['search-prod', 'search-dev', null, 'batch'];
const USERS = ['ann', 'bob', 'cid', null];

/** 300 call records of known facts, as jsonlLogger writes them, in time order. */
function callRecords(): CallRecord[] {
  const random = seededRandom(21);
  const starts: number[] = [];
  while (starts.length < 300) {
    const start = T0 + Math.floor(random() * 3 * DAY);
    // Busier by day than by night (UTC), as real traffic is.
    const hour = (start % DAY) / 3_600_000;
    if (random() < 0.15 + 0.85 * Math.sin((Math.PI * hour) / 24) ** 2) starts.push(start);
  }
  starts.sort((a, b) => a - b);
  return starts.map((start, index) => {
    const failed = random() < 0.08;
    const hit = !failed && random() < 0.1;
    const stream = random() < 0.5;
    const latency = Math.round(50 + random() * 2000);
    const prompt = Math.floor(random() * 1000);
    const completion = failed ? 0 : Math.floor(random() * 400);
    const price = Math.round(random() * 10_000) / 1_000_000;
    const alias = KEYS[index % KEYS.length];
    return callRecordSchema.parse({
      schema_version: 1,
      id: `call-${index}`,
      trace_id: `trace-${index}`,
      attempt: 1,
      status: failed ? 'failure' : 'success',
      call_type: 'completion',
      model: MODELS[index % MODELS.length] as string,
      provider: 'openai',
      provider_model: null,
      api_base: null,
      stream,
      start_time: new Date(start).toISOString(),
      first_token_time: stream ? new Date(start + 40).toISOString() : null,
      end_time: new Date(start + latency).toISOString(),
      latency_ms: latency,
      time_to_first_token_ms: stream ? 40 : null,
      usage: failed
        ? null
        : {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt + completion,
            cached_tokens: 0,
            cache_write_tokens: 0,
            reasoning_tokens: 0,
          },
      response_cost: failed ? null : hit ? 0 : price,
      saved_cost: hit ? price : null,
      cache_hit: hit,
      cache_key_hash: null,
      metadata:
        alias === null
          ? {}
          : { key_alias: alias, user_api_key_hash: 'ab12'.repeat(16), team_id: 'search' },
      tags: [],
      user: USERS[index % USERS.length] ?? null,
      params: {},
      messages: [{ role: 'user', content: `question ${index}` }],
      response: null,
      finish_reason: failed ? null : 'stop',
      request_id: null,
      error: failed
        ? {
            class: 'RateLimitError',
            code: 'rate_limit',
            status: 429,
            provider: 'openai',
            message: 'slow down',
            retryable: true,
          }
        : null,
    });
  });
}

/** Sums of the log per key (`day model`, `day`, ...), computed from the records themselves. */
function sumsBy<T>(
  records: readonly T[],
  keyOf: (record: T) => string,
  amountOf: (record: T) => number,
) {
  const sums = new Map<string, number>();
  for (const record of records) {
    sums.set(keyOf(record), (sums.get(keyOf(record)) ?? 0) + amountOf(record));
  }
  return sums;
}

const records = callRecords();
const dayOf = (record: CallRecord) => record.start_time.slice(0, 10);
/** The log: its records, one per line, and three lines that are not call records. */
const LOG = [
  ...records.slice(0, 100).map((record) => JSON.stringify(record)),
  '{"not": "a call record"}',
  'this line is not JSON',
  '',
  ...records.slice(100, 200).map((record) => JSON.stringify(record)),
  '[1, 2, 3]',
  ...records.slice(200).map((record) => JSON.stringify(record)),
].join('\n');

const { shallot, pathOf } = useShallotCli();

describe('shallot report', () => {
  let cli: ShallotProcess;
  let exitCode: number | null;

  beforeAll(async () => {
    await writeFile(pathOf('calls.jsonl'), `${LOG}\n`);
    cli = shallot(['report', pathOf('calls.jsonl'), '--out', pathOf('out/report.html')]);
    exitCode = await cli.exited;
  });

  it('writes one HTML file for the whole log, and says which lines it skipped', async () => {
    expect(cli.stderr()).toBe(
      `shallot: warning: ${pathOf('calls.jsonl')}: skipped 3 line(s) that are not call records: line 101 (not a call record), line 102 (not JSON), line 204 (not a call record).\n`,
    );
    expect(exitCode).toBe(0);
    const spend = records.reduce((sum, record) => sum + (record.response_cost ?? 0), 0);
    expect(cli.stdout()).toBe(
      `shallot: wrote ${pathOf('out/report.html')}: 300 call(s) from 2026-03-01T00:00:00.000Z to 2026-03-04T00:00:00.000Z, $${spend.toFixed(6)} spent.\n`,
    );
    const html = await readFile(pathOf('out/report.html'), 'utf8');
    // Self-contained: nothing is fetched from anywhere.
    expect(html).not.toMatch(
      /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!github\.com\/leeoniya)/,
    );
  });

  it('stacks a range of its own by user, leaving out the calls outside it', async () => {
    const report = await buildReport({
      input: pathOf('calls.jsonl'),
      out: pathOf('by-user.html'),
      from: '2026-03-02',
      to: '2026-03-02T12:00:00Z',
      by: 'user',
    });
    const inRange = records.filter(
      (record) => record.start_time >= '2026-03-02' && record.start_time < '2026-03-02T12',
    );
    expect(report.calls).toBe(300);
    expect(report.skipped).toBe(3);
    expect(report.data.totals.requests).toBe(inRange.length);
    expect(report.data.bucketMs).toBe(5 * 60_000);
    const spendOf = (user: string) =>
      inRange
        .filter((record) => (record.user ?? '(none)') === user)
        .reduce((sum, record) => sum + (record.response_cost ?? 0), 0);
    for (const series of report.data.spend) {
      const total = series.values.reduce((sum, value) => sum + value, 0);
      expect(total).toBeCloseTo(spendOf(series.name), 12);
    }
    expect(report.data.spend.map((series) => series.name).sort()).toEqual([
      '(none)',
      'ann',
      'bob',
      'cid',
    ]);
  });

  it('skips a line longer than maxLineBytes without failing, and reads the lines after it', async () => {
    const long = JSON.stringify({ ...records[0], messages: [{ content: 'x'.repeat(5000) }] });
    await writeFile(pathOf('long.jsonl'), `${long}\n${JSON.stringify(records[1])}\r\n`);
    const report = await buildReport({
      input: pathOf('long.jsonl'),
      out: pathOf('long.html'),
      maxLineBytes: 4096,
    });
    expect(report.skippedLines).toEqual([{ line: 1, reason: 'too long' }]);
    expect(report.data.totals.requests).toBe(1);
  });

  it('exits 2 on bad usage, with the usage, and 1 on a log it cannot read', async () => {
    const misuses = [
      ['report'],
      ['report', pathOf('calls.jsonl'), '--by', 'color'],
      ['report', pathOf('calls.jsonl'), '--from', 'last week'],
      ['report', pathOf('calls.jsonl'), '--port', '80'],
    ].map((args) => shallot(args));
    expect(await Promise.all(misuses.map((misuse) => misuse.exited))).toEqual([2, 2, 2, 2]);
    for (const misuse of misuses) expect(misuse.stderr()).toContain('shallot report <file.jsonl>');
    expect(misuses[3]?.stderr()).toContain('--port is an option of serve, not report.');
    const missing = shallot(['report', pathOf('none.jsonl')]);
    expect(await missing.exited).toBe(1);
    expect(missing.stderr()).toBe(
      `shallot: ${pathOf('none.jsonl')}: cannot be read: no such file.\n`,
    );
  });
});

describe('renderPage', () => {
  it('refuses options it cannot draw, naming the option', () => {
    const render = renderPage as (options: unknown) => string;
    expect(() => render({ mode: 'print' })).toThrow(
      "renderPage options.mode: expected 'report' or 'live', received string \"print\".",
    );
    expect(() => render({ mode: 'live' })).toThrow('renderPage options.apiBase: expected a path');
    expect(() => render({ mode: 'report', data: null })).toThrow('renderPage options.data');
  });
});

describeWithBrowser('the page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  describe('a report of the log', () => {
    let page: Page;
    const requested: string[] = [];

    beforeAll(async () => {
      await writeFile(pathOf('browser.jsonl'), `${LOG}\n`);
      const report = await buildReport({
        input: pathOf('browser.jsonl'),
        out: pathOf('browser.html'),
      });
      page = await browser.newPage({
        viewport: { width: 1280, height: 900 },
        colorScheme: 'light',
      });
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(pathToFileURL(report.out).href);
      await page.waitForSelector('body[data-state="ready"]');
    });
    afterAll(() => page?.close());

    it('is laid out for a laptop screen (docs/images/report.png)', async () => {
      await page.screenshot({ path: SCREENSHOT });
      const charts = await page.$$eval('figure[data-chart] canvas', (canvases) => canvases.length);
      expect(charts).toBe(5);
    });
    it('draws the spend of each model on each day that the log holds, in the data table and the CSV', async () => {
      const table = await page.$$eval('table[data-chart-table="spend"]', ([spendTable]) => {
        const series = [...(spendTable?.querySelectorAll('thead th') ?? [])].map(
          (cell) => cell.getAttribute('data-series') ?? '',
        );
        const rows = [...(spendTable?.querySelectorAll('tbody tr') ?? [])].map((row) => ({
          time: row.querySelector('time')?.getAttribute('datetime') ?? '',
          values: [...row.querySelectorAll('td')].map((cell) => Number(cell.dataset.value)),
        }));
        return { series, rows };
      });
      expect(table.series.slice(1).sort()).toEqual([...MODELS].sort());
      expect(table.rows).toHaveLength(72); // three days of hour buckets
      const shown = new Map<string, number>();
      for (const row of table.rows) {
        row.values.forEach((value, index) => {
          const key = `${row.time.slice(0, 10)} ${table.series[index + 1]}`;
          shown.set(key, (shown.get(key) ?? 0) + value);
        });
      }
      const logged = sumsBy(
        records,
        (record) => `${dayOf(record)} ${record.model}`,
        (record) => record.response_cost ?? 0,
      );
      for (const key of new Set([...shown.keys(), ...logged.keys()])) {
        expect(shown.get(key), key).toBeCloseTo(logged.get(key) ?? 0, 12);
      }

      const csv = await page.evaluate(() =>
        (
          globalThis as unknown as { shallotDashboard: { charts: { spend: { csv(): string } } } }
        ).shallotDashboard.charts.spend.csv(),
      );
      const [header, first] = csv.split('\r\n');
      expect(header).toBe(`bucket_start,${table.series.slice(1).map(csvCell).join(',')}`);
      expect(first?.startsWith('2026-03-01T00:00:00.000Z,')).toBe(true);
    });

    it('counts the requests and errors of each day, and the totals of the whole log in the tiles', async () => {
      const perDay = await page.$$eval('table[data-chart-table="requests"] tbody tr', (rows) =>
        rows.map((row) => ({
          day: row.querySelector('time')?.getAttribute('datetime')?.slice(0, 10) ?? '',
          requests: Number(
            row.querySelector('[data-series="requests"]')?.getAttribute('data-value'),
          ),
          errors: Number(row.querySelector('[data-series="errors"]')?.getAttribute('data-value')),
        })),
      );
      const shownRequests = sumsBy(
        perDay,
        (row) => row.day,
        (row) => row.requests,
      );
      const shownErrors = sumsBy(
        perDay,
        (row) => row.day,
        (row) => row.errors,
      );
      expect(shownRequests).toEqual(sumsBy(records, dayOf, () => 1));
      const failures = (record: CallRecord) => (record.status === 'failure' ? 1 : 0);
      expect(shownErrors).toEqual(sumsBy(records, dayOf, failures));

      const tiles = await page.$$eval('[data-total]', (elements) =>
        Object.fromEntries(
          elements.map((tile) => [
            tile.getAttribute('data-total'),
            tile.getAttribute('data-value'),
          ]),
        ),
      );
      const total = (amountOf: (record: CallRecord) => number) =>
        records.reduce((sum, record) => sum + amountOf(record), 0);
      expect(Number(tiles.requests)).toBe(300);
      expect(Number(tiles.errors)).toBe(total(failures));
      expect(Number(tiles.spend)).toBeCloseTo(
        total((record) => record.response_cost ?? 0),
        12,
      );
      expect(Number(tiles.saved)).toBeCloseTo(
        total((record) => record.saved_cost ?? 0),
        12,
      );
      expect(Number(tiles['cache-hits'])).toBe(total((record) => (record.cache_hit ? 1 : 0)));
      expect(Number(tiles['prompt-tokens'])).toBe(
        total((record) => record.usage?.prompt_tokens ?? 0),
      );
      expect(Number(tiles['ttft-p50'])).toBe(40);
    });

    it('ranks the top keys and users by the spend the log holds for them', async () => {
      const topKeys = await page.$$eval('table[data-table="top-keys"] tbody tr', (rows) =>
        rows.map((row) => [
          row.getAttribute('data-name'),
          Number(row.querySelector('[data-column="spend"]')?.getAttribute('data-value')),
        ]),
      );
      const spendOfKey = sumsBy(
        records.filter((record) => typeof record.metadata.key_alias === 'string'),
        (record) => record.metadata.key_alias as string,
        (record) => record.response_cost ?? 0,
      );
      const ranked = [...spendOfKey].sort(([, a], [, b]) => b - a);
      expect(topKeys.map(([name]) => name)).toEqual(ranked.map(([name]) => name));
      for (const [index, [, spend]] of topKeys.entries()) {
        expect(spend).toBeCloseTo(ranked[index]?.[1] ?? -1, 12);
      }
      const users = await page.$$eval('table[data-table="top-users"] tbody tr', (rows) =>
        rows.map((row) => row.getAttribute('data-name')),
      );
      expect(users.sort()).toEqual(['ann', 'bob', 'cid']);
    });

    it('writes a hostile model name as text: no markup from it, no script run', async () => {
      const hostile = '</script><img src=x onerror="window.pwned=1">';
      const facts = factsOf({ ...records[0], model: hostile }) as CallFacts;
      const data = aggregate([facts], { from: T0, to: T0 + DAY, by: 'model' });
      const other = await browser.newPage();
      try {
        await other.setContent(renderPage({ mode: 'report', data, title: hostile }));
        await other.waitForSelector('body[data-state="ready"]');
        const headers = await other.$$eval('table[data-chart-table="spend"] thead th', (cells) =>
          cells.map((cell) => cell.textContent),
        );
        expect(headers).toEqual(['Bucket start', hostile]);
        expect(await other.title()).toBe(hostile);
        expect(
          await other.evaluate(() => (globalThis as { pwned?: number }).pwned),
        ).toBeUndefined();
        expect(await other.$$('img')).toHaveLength(0);
        const csv = await other.evaluate(() =>
          (
            globalThis as unknown as { shallotDashboard: { charts: { spend: { csv(): string } } } }
          ).shallotDashboard.charts.spend.csv(),
        );
        expect(csv.split('\r\n')[0]).toBe(
          'bucket_start,"</script><img src=x onerror=""window.pwned=1"">"',
        );
      } finally {
        await other.close();
      }
    });

    it('opens offline: the page asks for nothing beyond its own file', () => {
      expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
    });

    it('downloads a chart as CSV from its button', async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('button[data-csv="tokens"]'),
      ]);
      expect(download.suggestedFilename()).toBe('shallot-tokens-2026-03-01T00-00.csv');
      const text = await readFile((await download.path()) as string, 'utf8');
      const lines = text.trimEnd().split('\r\n');
      expect(lines[0]).toBe('bucket_start,prompt_tokens,completion_tokens');
      expect(lines).toHaveLength(73);
    });
  });

  describe('the live page, against a stub gateway', () => {
    const MASTER = 'sk-master-test';
    const seen: Array<{ path: string; search: URLSearchParams; key: string; body: unknown }> = [];
    let keys: KeyRow[] = [];
    let gateway: LocalServer;
    let page: Page;
    const now = Date.now();
    const liveFacts = Array.from({ length: 120 }, (_, index) =>
      factsOf({ ...records[index], start_time: new Date(now - index * 10 * 60_000).toISOString() }),
    ) as CallFacts[];

    beforeAll(async () => {
      gateway = await startLocalServer(async (request, response) => {
        const url = new URL(request.url ?? '/', 'http://stub');
        let text = '';
        for await (const chunk of request) text += chunk;
        const answer = (status: number, value: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(value));
        };
        if (url.pathname === '/ui') {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return response.end(renderPage({ mode: 'live', apiBase: '/ui/api' }));
        }
        const key = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
        seen.push({
          path: url.pathname,
          search: url.searchParams,
          key,
          body: text && JSON.parse(text),
        });
        if (key !== MASTER) return answer(401, { error: { message: 'not the master key' } });
        const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
        switch (url.pathname) {
          case '/ui/api/data': {
            const query = {
              from: Number(url.searchParams.get('from')),
              to: Number(url.searchParams.get('to')),
              by: url.searchParams.get('by') as GroupBy,
            };
            return answer(200, aggregate(liveFacts, query, now));
          }
          case '/ui/api/live':
            return answer(200, { deployments: [DEPLOYMENT], generatedAt: now });
          case '/ui/api/keys':
            return answer(200, { keys });
          case '/key/generate': {
            const row = { ...KEY, ...body, token: `hash-${keys.length}` } as KeyRow;
            keys.push(row);
            return answer(200, { key: 'sk-shown-once', ...row });
          }
          case '/key/update':
            keys = keys.map((row) =>
              row.token === body.key ? { ...row, ...body, token: row.token } : row,
            );
            return answer(200, { key: body.key });
          case '/key/delete':
            keys = keys.filter((row) => !(body.keys as string[]).includes(row.token));
            return answer(200, { deleted_keys: body.keys });
        }
        answer(404, { error: { message: 'no such route' } });
      });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${gateway.origin}/ui`);
    });
    afterAll(async () => {
      await page?.close();
      await gateway?.close();
    });

    it('asks for a key, comes back to the form on a 401, and draws the last day for the master key', async () => {
      await page.waitForSelector('body[data-state="login"]');
      await page.fill('#login-key', 'sk-wrong');
      await page.press('#login-key', 'Enter');
      await page.waitForSelector('#login-error:has-text("not the master key")');
      expect(await page.isVisible('#content')).toBe(false);
      await page.fill('#login-key', MASTER);
      await page.click('#login-form button[type="submit"]');
      await page.waitForSelector('body[data-state="ready"]');
      const data = seen.findLast((call) => call.path === '/ui/api/data');
      expect(data?.key).toBe(MASTER);
      expect(Number(data?.search.get('to')) - Number(data?.search.get('from'))).toBe(DAY);
      expect(data?.search.get('by')).toBe('model');
      expect(await page.getAttribute('[data-total="requests"]', 'data-value')).toBe('120');
      const deployment = await page.textContent('table[data-table="deployments"] tbody tr');
      expect(deployment).toContain('cooling until');
    });

    it('asks again for the range and the grouping chosen', async () => {
      await page.click('button[data-span="1h"]');
      await expect.poll(() => page.getAttribute('[data-total="requests"]', 'data-value')).toBe('6');
      await page.selectOption('#group-by', 'user');
      await expect
        .poll(() => seen.findLast((call) => call.path === '/ui/api/data')?.search.get('by'))
        .toBe('user');
      // In the closed <details> of the data table: there, not visible.
      await page.waitForSelector('table[data-chart-table="spend"] th[data-series="ann"]', {
        state: 'attached',
      });
      expect(await page.getAttribute('button[data-span="1h"]', 'aria-pressed')).toBe('true');
    });

    it('creates a key that it shows once, edits it, and revokes it through the /key routes', async () => {
      await page.click('#new-key');
      await page.fill('#key-form [name="key_alias"]', 'batch');
      await page.fill('#key-form [name="models"]', 'gpt-4o, gpt-4o-mini');
      await page.fill('#key-form [name="max_budget"]', '5');
      await page.click('#key-submit');
      expect(await page.textContent('#created-dialog[open] #created-key')).toBe('sk-shown-once');
      expect(seen.findLast((call) => call.path === '/key/generate')?.body).toEqual({
        key_alias: 'batch',
        models: ['gpt-4o', 'gpt-4o-mini'],
        max_budget: 5,
      });
      await page.click('#created-dialog button[type="submit"]');
      const row = 'table[data-table="keys"] tr[data-name="batch"]';
      await page.click(`${row} button:has-text("Edit")`);
      await page.fill('#key-form [name="rpm_limit"]', '30');
      await page.click('#key-submit');
      await page.waitForSelector(`${row} [data-column="limits"]:has-text("30 rpm")`);
      expect(seen.findLast((call) => call.path === '/key/update')?.body).toMatchObject({
        key: 'hash-0',
        rpm_limit: 30,
        user_id: null,
      });
      await page.click(`${row} button:has-text("Revoke")`);
      await page.click('#confirm-dialog button[value="revoke"]');
      await page.waitForSelector(row, { state: 'detached' });
      expect(seen.findLast((call) => call.path === '/key/delete')?.body).toEqual({
        keys: ['hash-0'],
      });
    });
  });
});

/** The stub gateway's one deployment. */
const DEPLOYMENT: DeploymentRow = {
  id: 'us-east',
  modelName: 'gpt-4o',
  model: 'openai/gpt-4o',
  apiBase: null,
  state: 'cooling',
  coolingUntil: Date.UTC(2026, 2, 1, 0, 1),
  inFlight: 0,
  requests: 3,
  tokens: 1200,
  rpm: 100,
  tpm: null,
};

/** The fields of a key the stub gateway makes, but those the page sends. */
const KEY: KeyRow = {
  token: '',
  key_name: 'sk-...abcd',
  key_alias: null,
  user_id: null,
  team_id: null,
  models: [],
  rpm_limit: null,
  tpm_limit: null,
  max_parallel_requests: null,
  max_budget: null,
  budget_duration: null,
  spend: 0,
  blocked: false,
  expires: null,
  created_at: '2026-03-01T00:00:00.000Z',
};

/** A CSV header cell as the page writes one (quoted when it holds a comma or a quote). */
function csvCell(text: string | undefined): string {
  const value = text ?? '';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
