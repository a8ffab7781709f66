#!/usr/bin/env node
/**
 * `shallot serve --config shallot.yaml`: the gateway from a LiteLLM-style config file.
 * `shallot report logs/calls.jsonl`: the dashboard's charts for a JSONL log, as one HTML file.
 * Exit codes: 0 stopped cleanly (SIGTERM, SIGINT) or report written, 1 the config is bad, the
 * server could not start or the log could not be read, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { isValidationError } from '../src/kit/index.js';
import { callersOf } from './config/callers.js';
import { buildFromConfig, loadConfig } from './config/index.js';
import { GROUP_BYS, type GroupBy } from './dashboard/data.js';
import { createGateway } from './index.js';

const GRACE_MS = 10_000;
const DEFAULT_PORT = 4000;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_REPORT = 'report.html';

const USAGE = `Usage: shallot serve --config <file> [--port <n>] [--host <address>]
       shallot report <file.jsonl> [--out <file.html>] [--from <date>] [--to <date>] [--by <grouping>]

serve: serves OpenAI's HTTP API (/v1/chat/completions, /v1/embeddings, /v1/models) in front of
the models a LiteLLM-style config.yaml describes.
report: writes the dashboard's charts for a JSONL log (jsonlLogger's) as one HTML file, which
opens offline.

Options of serve:
  -c, --config <file>    the config file (LiteLLM proxy's config.yaml shape)
  -p, --port <n>         the port to listen on (default: $PORT, else 4000; 0 for any free one)
      --host <address>   the address to listen on (default: 127.0.0.1, this machine only)

Options of report:
  -o, --out <file>       where the HTML goes (default: ${DEFAULT_REPORT})
      --from <date>      the range's start, ISO 8601 such as 2026-03-01 or 2026-03-01T12:00Z
                         (default: the log's first call)
      --to <date>        the range's end, exclusive (default: the log's last call)
      --by <grouping>    what spend is stacked by: ${GROUP_BYS.join(', ')} (default: model)

  -h, --help             show this help

SIGTERM or SIGINT stops serve: requests in flight get ${GRACE_MS / 1000} s to finish, logs are flushed.
Exit codes: 0 stopped cleanly or report written, 1 bad config, could not start or could not
read the log, 2 bad usage.
`;

/** What `serve` was asked to do. */
interface ServeArguments {
  command: 'serve';
  config: string;
  port: number;
  host: string;
}

/** What `report` was asked to do. */
interface ReportArguments {
  command: 'report';
  input: string;
  out: string;
  from?: string;
  to?: string;
  by: GroupBy;
}

/** A mistake on the command line: exit code 2, with the usage. */
class UsageError extends Error {}

/** The options of each command. */
const OPTIONS_OF = {
  serve: ['config', 'port', 'host'],
  report: ['out', 'from', 'to', 'by'],
} as const;

function parseCommandLine(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ServeArguments | ReportArguments | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      out: { type: 'string', short: 'o' },
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (values.help === true || command === 'help') return 'help';
  if (command === undefined) throw new UsageError('no command given.');
  if (command !== 'serve' && command !== 'report') {
    throw new UsageError(`unknown command "${command}".`);
  }
  for (const [other, names] of Object.entries(OPTIONS_OF)) {
    if (other === command) continue;
    const stray = names.find((name) => values[name] !== undefined);
    if (stray !== undefined)
      throw new UsageError(`--${stray} is an option of ${other}, not ${command}.`);
  }
  if (command === 'report') return reportArguments(rest, values);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}".`);
  if (values.config === undefined) throw new UsageError('serve needs --config <file>.');
  const port =
    values.port !== undefined
      ? portOf(values.port, '--port')
      : env.PORT
        ? portOf(env.PORT, 'PORT')
        : DEFAULT_PORT;
  return { command, config: values.config, port, host: values.host ?? DEFAULT_HOST };
}

function reportArguments(
  rest: readonly string[],
  values: { out?: string; from?: string; to?: string; by?: string },
): ReportArguments {
  const [input, extra] = rest;
  if (input === undefined)
    throw new UsageError('report needs the JSONL log: shallot report <file.jsonl>.');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}".`);
  const by = values.by ?? 'model';
  if (!(GROUP_BYS as readonly string[]).includes(by)) {
    throw new UsageError(`--by must be one of ${GROUP_BYS.join(', ')}, received "${by}".`);
  }
  for (const name of ['from', 'to'] as const) {
    const text = values[name];
    if (
      text !== undefined &&
      !(/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(Date.parse(text)))
    ) {
      throw new UsageError(
        `--${name} must be an ISO 8601 date such as 2026-03-01 or 2026-03-01T12:00:00Z, received "${text}".`,
      );
    }
  }
  return {
    command: 'report',
    input,
    out: values.out ?? DEFAULT_REPORT,
    from: values.from,
    to: values.to,
    by: by as GroupBy,
  };
}

function portOf(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`${source} must be a port number from 0 to 65535, received "${text}".`);
  }
  return port;
}

/** Writes the report of a JSONL log; exit code 1 when the log cannot be read, 2 for a bad range. */
async function report(options: ReportArguments): Promise<void> {
  const { buildReport, describeSkipped } = await import('./dashboard/report.js');
  let written: Awaited<ReturnType<typeof buildReport>>;
  try {
    written = await buildReport(options);
  } catch (error) {
    console.error(`shallot: ${message(error)}`);
    process.exit(isValidationError(error) ? 2 : 1);
  }
  if (written.skipped > 0) {
    console.error(
      `shallot: warning: ${options.input}: skipped ${written.skipped} line(s) that are not call records: ${describeSkipped(written.skippedLines)}${written.skipped > 3 ? ', ...' : ''}.`,
    );
  }
  const { query, totals } = written.data;
  console.log(
    `shallot: wrote ${written.out}: ${totals.requests} call(s) from ${new Date(query.from).toISOString()} to ${new Date(query.to).toISOString()}, $${totals.spend.toFixed(6)} spent.`,
  );
}

async function serve(options: ServeArguments): Promise<void> {
  const { config, warnings } = await loadConfig(options.config);
  for (const warning of warnings) console.error(`shallot: warning: ${warning.message}`);
  let built: ReturnType<typeof buildFromConfig> | undefined;
  const callers = callersOf({
    masterKey: config.general_settings?.master_key,
    databaseUrl: config.general_settings?.database_url,
    keyCacheTtlMs:
      config.general_settings?.user_api_key_cache_ttl === undefined
        ? undefined
        : Math.round(config.general_settings.user_api_key_cache_ttl * 1000),
    router: () => built?.router,
  });
  try {
    built = buildFromConfig(config, { layers: callers.layers });
  } catch (error) {
    await callers.close();
    throw error;
  }
  const closeAll = async (timeoutMs: number) => {
    await built.close({ timeoutMs });
    await callers.close();
  };
  const gateway = createGateway({ ...built.gatewayOptions, ...callers.options });
  let stopping = false;
  // A keep-alive connection whose request finishes while the server closes would hold the
  // close until the client drops it (seconds): close each one as its last response ends.
  gateway.server.on('request', (_request, response) =>
    response.once('finish', () => {
      if (stopping) setImmediate(() => gateway.server.closeIdleConnections());
    }),
  );
  let url: string;
  try {
    url = await gateway.listen({ port: options.port, host: options.host });
  } catch (error) {
    await closeAll(1000);
    console.error(`shallot: cannot listen on ${options.host}:${options.port}: ${message(error)}`);
    process.exit(1);
  }
  if (built.databaseUrl !== undefined && built.masterKey === undefined) {
    console.error(
      'shallot: warning: general_settings.database_url without a master_key: virtual keys are off (they need the master key to manage them).',
    );
  }
  if (callers.mode === 'open' && !isLoopback(options.host)) {
    console.error(
      `shallot: warning: listening on ${options.host} with no general_settings.master_key: anyone who reaches it spends your providers' keys.`,
    );
  }
  const models = built.gatewayOptions.models ?? [];
  console.log(
    `shallot: listening on ${url} (OpenAI API at ${url}/v1${models.length > 0 ? `; models: ${models.join(', ')}` : ''}; callers: ${callers.mode})`,
  );
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`shallot: ${signal} again: stopping now.`);
      process.exit(1);
    }
    stopping = true;
    // Said once the server takes no more connections, so that what reads it can rely on that.
    const closed = gateway.close({ graceMs: GRACE_MS });
    console.error(
      `shallot: ${signal}: stopping; requests in flight have ${GRACE_MS / 1000} s to finish.`,
    );
    await closed;
    await closeAll(GRACE_MS);
    console.error('shallot: stopped.');
    // Idle keep-alive connections to providers would hold the process for their timeout.
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  let options: ServeArguments | ReportArguments | 'help';
  try {
    options = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    // parseArgs throws a TypeError with an ERR_PARSE_ARGS_* code for an unknown option.
    console.error(`shallot: ${message(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (options.command === 'report') {
    await report(options);
    return;
  }
  try {
    await serve(options);
  } catch (error) {
    if (!isValidationError(error)) throw error;
    // loadConfig() names the file in its messages; what building the config refuses does not.
    const file = options.config;
    const [first, ...more] = error.issues.map((issue) =>
      issue.message.startsWith(file) ? issue.message : `${file}: ${issue.message}`,
    );
    console.error([`shallot: ${first}`, ...more.map((line) => `  ${line}`)].join('\n'));
    process.exit(1);
  }
}

await main();
