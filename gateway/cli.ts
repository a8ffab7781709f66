#!/usr/bin/env node
/**
 * `shallot serve --config shallot.yaml`: the gateway from a LiteLLM-style config file.
 * Exit codes: 0 stopped cleanly (SIGTERM, SIGINT), 1 the config is bad or the server could not
 * start, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { isValidationError } from '../src/kit/index.js';
import { callersOf } from './config/callers.js';
import { buildFromConfig, loadConfig } from './config/index.js';
import { createGateway } from './index.js';

const GRACE_MS = 10_000;
const DEFAULT_PORT = 4000;
const DEFAULT_HOST = '127.0.0.1';

const USAGE = `Usage: shallot serve --config <file> [--port <n>] [--host <address>]

Serves OpenAI's HTTP API (/v1/chat/completions, /v1/embeddings, /v1/models) in front of the
models a LiteLLM-style config.yaml describes.

Options:
  -c, --config <file>    the config file (LiteLLM proxy's config.yaml shape)
  -p, --port <n>         the port to listen on (default: $PORT, else 4000; 0 for any free one)
      --host <address>   the address to listen on (default: 127.0.0.1, this machine only)
  -h, --help             show this help

SIGTERM or SIGINT stops it: requests in flight get ${GRACE_MS / 1000} s to finish, logs are flushed.
Exit codes: 0 stopped cleanly, 1 bad config or could not start, 2 bad usage.
`;

/** What `serve` was asked to do. */
interface ServeArguments {
  config: string;
  port: number;
  host: string;
}

/** A mistake on the command line: exit code 2, with the usage. */
class UsageError extends Error {}

function parseCommandLine(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ServeArguments | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (values.help === true || command === 'help') return 'help';
  if (command === undefined) throw new UsageError('no command given.');
  if (command !== 'serve') throw new UsageError(`unknown command "${command}".`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}".`);
  if (values.config === undefined) throw new UsageError('serve needs --config <file>.');
  const port =
    values.port !== undefined
      ? portOf(values.port, '--port')
      : env.PORT
        ? portOf(env.PORT, 'PORT')
        : DEFAULT_PORT;
  return { config: values.config, port, host: values.host ?? DEFAULT_HOST };
}

function portOf(text: string, source: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`${source} must be a port number from 0 to 65535, received "${text}".`);
  }
  return port;
}

async function serve(options: ServeArguments): Promise<void> {
  const { config, warnings } = await loadConfig(options.config);
  for (const warning of warnings) console.error(`shallot: warning: ${warning.message}`);
  const callers = callersOf({
    masterKey: config.general_settings?.master_key,
    databaseUrl: config.general_settings?.database_url,
    keyCacheTtlMs:
      config.general_settings?.user_api_key_cache_ttl === undefined
        ? undefined
        : Math.round(config.general_settings.user_api_key_cache_ttl * 1000),
  });
  let built: ReturnType<typeof buildFromConfig>;
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
  let options: ServeArguments | 'help';
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
