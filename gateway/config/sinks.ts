import { consoleLogger } from '../../middleware/console-logger/index.js';
import { jsonlLogger } from '../../middleware/jsonl-logger/index.js';
import { otelLogger } from '../../middleware/otel-logger/index.js';
import { postgresLogger } from '../../middleware/postgres-logger/index.js';
import { webhookLogger } from '../../middleware/webhook-logger/index.js';
import { type Sink, ValidationError } from '../../src/kit/index.js';
import type { LitellmSettings } from './schema.js';

/** What a sink of the config may read besides its name. */
interface SinkSources {
  env: Readonly<Record<string, string | undefined>>;
  /** `general_settings.database_url`. */
  databaseUrl: string | undefined;
}

/** Makes a sink, or says (as a sentence) what it lacks; null for a name that needs none. */
type SinkFactory = (sources: SinkSources) => Sink | string | null;

/** The default file of the `jsonl` sink, when `SHALLOT_JSONL_PATH` is not set. */
export const DEFAULT_JSONL_PATH = 'logs/shallot-calls.jsonl';

/**
 * The names a config's callback lists may give, each to the sink it makes. LiteLLM's names for
 * the same sinks (`otel`, `opentelemetry`) and shallot's own (`jsonl`, `postgres`, `webhook`)
 * alike; a sink logs every finished call, success or failure, whichever list names it.
 * `prometheus` needs no sink: the gateway always serves `GET /metrics`.
 */
const SINKS: Readonly<Record<string, SinkFactory>> = {
  console: () => consoleLogger(),
  jsonl: ({ env }) => jsonlLogger({ path: env.SHALLOT_JSONL_PATH || DEFAULT_JSONL_PATH }),
  otel: () => otelLogger(),
  opentelemetry: () => otelLogger(),
  prometheus: () => null,
  postgres: ({ databaseUrl }) =>
    databaseUrl === undefined
      ? 'needs general_settings.database_url'
      : postgresLogger({ connectionString: databaseUrl }),
  webhook: ({ env }) =>
    env.SHALLOT_WEBHOOK_URL
      ? webhookLogger({ url: env.SHALLOT_WEBHOOK_URL })
      : 'needs the environment variable SHALLOT_WEBHOOK_URL (the URL to post records to)',
};

/** Names of one sink: made once, however many names or lists give it. */
const SAME_SINK: Readonly<Record<string, string>> = { opentelemetry: 'otel' };

/** The callback names a config may give. */
export const SINK_NAMES: readonly string[] = Object.keys(SINKS);

const LISTS = ['success_callback', 'failure_callback', 'callbacks'] as const;

/**
 * The sinks that `litellm_settings`' callback lists name, each once, in the order first named.
 * Names shallot has no sink for were reported when the file was read, and are skipped here.
 * With `general_settings.database_url`, the `postgres` sink (the spend log) is always made.
 * @throws ValidationError naming the list entry of a sink that cannot be made.
 */
export function sinksOf(settings: LitellmSettings, sources: SinkSources): Sink[] {
  const made = new Map<string, Sink>();
  for (const list of LISTS) {
    (settings[list] ?? []).forEach((name, index) => {
      const factory = Object.hasOwn(SINKS, name) ? SINKS[name] : undefined;
      const key = SAME_SINK[name] ?? name;
      if (factory === undefined || made.has(key)) return;
      const field = `litellm_settings.${list}[${index}]`;
      let sink: Sink | string | null;
      try {
        sink = factory(sources);
      } catch (error) {
        throw ValidationError.forField(field, `"${name}": ${(error as Error).message}`);
      }
      if (typeof sink === 'string') throw ValidationError.forField(field, `"${name}" ${sink}.`);
      if (sink !== null) made.set(key, sink);
    });
  }
  // With a database, every call's record goes to the spend log (as LiteLLM's proxy writes its
  // spend logs): what /key/info, the dashboard and SQL read. Named or not, one sink.
  const { databaseUrl } = sources;
  if (databaseUrl !== undefined && !made.has('postgres')) {
    made.set('postgres', postgresLogger({ connectionString: databaseUrl }));
  }
  return [...made.values()];
}
