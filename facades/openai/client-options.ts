import {
  type Client,
  type ClientOptions,
  createClient,
  describeValue,
  type Metadata,
  ValidationError,
} from '../../index.js';
import type { CallShape } from './call-params.js';
import { type HeadersInput, headerRecord } from './headers.js';
import type { ModelSource } from './models.js';
import type { CallDefaults } from './request-options.js';

/**
 * Options of `new OpenAI()`: openai-node's that shallot can honour, and a shallot client to run
 * the calls through.
 *
 * @example
 * new OpenAI({ client: createClient({ middleware: [router({ modelList })] }), models: myRouter })
 * new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: 'http://127.0.0.1:8000/v1' })
 */
export interface OpenAIOptions {
  /**
   * The shallot client every call runs through (its middleware, callbacks, cost, cache, router,
   * limits and sinks). Models are resolved as that client resolves them (a bare `gpt-4o-mini`
   * goes to OpenAI, a router's group to its deployments); keys and URLs are its providers'
   * settings, so `apiKey`, `baseURL`, `organization` and `project` are refused with it.
   * @default a client made with `createClient()` from the options below, every model sent whole to `baseURL`
   */
  client?: Client;
  /** The API key. @default `OPENAI_API_KEY` (a call to OpenAI without one fails before any request) */
  apiKey?: string | null;
  /** The API's base URL: OpenAI or any OpenAI-compatible server. @default `OPENAI_BASE_URL`, then `https://api.openai.com/v1` */
  baseURL?: string | null;
  /** OpenAI's `OpenAI-Organization` header. @default `OPENAI_ORG_ID` */
  organization?: string | null;
  /** OpenAI's `OpenAI-Project` header. @default `OPENAI_PROJECT_ID` */
  project?: string | null;
  /** Milliseconds, shallot's `timeout` (a plain call's attempt; each wait of a stream). @default 600000 (the client's, with `client`) */
  timeout?: number;
  /** Retries of a retryable failure, shallot's `numRetries`. @default 2 (the client's, with `client`) */
  maxRetries?: number;
  /** Headers for every request (`null` values left out). */
  defaultHeaders?: HeadersInput;
  /** Metadata for every call's callbacks and logs, under the body's and the request's. */
  metadata?: Metadata;
  /** What `models.list()` lists: names, or a router whose groups it lists. @default none: an empty list */
  models?: ModelSource;
  /** Accepted and ignored: shallot runs on Node.js. */
  dangerouslyAllowBrowser?: boolean;
}

/** openai-node's options the facade does not take, with what to do instead. */
const NOT_TAKEN: Readonly<Record<string, string>> = {
  fetch: 'shallot sends with undici: pass a client made with createClient({ dispatcher })',
  fetchOptions: 'shallot sends with undici: pass a client made with createClient({ dispatcher })',
  defaultQuery: 'query parameters are not supported',
  logger: 'add a logging layer, such as consoleLogger() from shallot/middleware/console-logger',
  logLevel: 'add a logging layer, such as consoleLogger() from shallot/middleware/console-logger',
  webhookSecret: 'webhooks are not covered by shallot/openai',
  adminAPIKey: 'the admin API is not covered by shallot/openai',
  workloadIdentity: 'pass the key as apiKey, or a client whose provider has it',
  provider: 'configure the provider on a shallot client and pass it as client',
};

const TAKEN: ReadonlySet<string> = new Set([
  'client',
  'apiKey',
  'baseURL',
  'organization',
  'project',
  'timeout',
  'maxRetries',
  'defaultHeaders',
  'metadata',
  'models',
  'dangerouslyAllowBrowser',
]);

/** Options that say where and as whom to connect: the client's own business when one is given. */
const CONNECTION = ['apiKey', 'baseURL', 'organization', 'project'] as const;

/** What a facade runs on: its client, how its calls are shaped, and its options as checked. */
export interface FacadeSetup {
  client: Client;
  shape: CallShape;
}

/**
 * Checks the options of `new OpenAI()` once and makes what the facade runs on: the given client
 * (the options as per-call defaults), or one of its own with the options built in.
 *
 * @throws ValidationError naming the option, for one the facade does not take or a bad value.
 */
export function setUp(options: OpenAIOptions): FacadeSetup {
  if (options === null || typeof options !== 'object') {
    throw ValidationError.forField(
      '(options)',
      `expected an object, received ${describeValue(options)}.`,
    );
  }
  checkOptions(options);
  const { client } = options;
  if (client !== undefined) {
    return { client, shape: { modelPrefix: '', defaults: callDefaults(options) } };
  }
  const env = process.env;
  const settings = {
    apiKey: options.apiKey ?? undefined,
    apiBase: options.baseURL ?? undefined,
    organization: options.organization ?? env.OPENAI_ORG_ID ?? undefined,
    project: options.project ?? env.OPENAI_PROJECT_ID ?? undefined,
    headers: options.defaultHeaders ? headerRecord(options.defaultHeaders) : undefined,
  };
  const clientOptions: ClientOptions = {
    providers: { openai: withoutUndefined(settings) },
    numRetries: options.maxRetries ?? 2,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  };
  const metadata = options.metadata;
  return {
    client: createClient(clientOptions),
    shape: { modelPrefix: 'openai/', defaults: metadata === undefined ? undefined : { metadata } },
  };
}

/** The options that apply to each call over a client of the caller's, in shallot's names. */
export function callDefaults(options: OpenAIOptions): CallDefaults | undefined {
  const defaults: CallDefaults = withoutUndefined({
    timeout: options.timeout,
    numRetries: options.maxRetries,
    headers: options.defaultHeaders ? headerRecord(options.defaultHeaders) : undefined,
    metadata: options.metadata,
  });
  return Object.keys(defaults).length === 0 ? undefined : defaults;
}

/** Checks the options of `new OpenAI()`. @throws ValidationError naming the option */
export function checkOptions(options: OpenAIOptions): void {
  for (const name of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined || TAKEN.has(name)) continue;
    const instead = Object.hasOwn(NOT_TAKEN, name) ? NOT_TAKEN[name] : undefined;
    throw ValidationError.forField(
      name,
      instead === undefined
        ? `is not an option of shallot/openai's OpenAI (${[...TAKEN].join(', ')}).`
        : `is not supported by shallot/openai: ${instead}.`,
    );
  }
  if (options.client !== undefined) {
    if (typeof (options.client as Partial<Client>)?.completion !== 'function') {
      throw ValidationError.forField(
        'client',
        `expected a shallot client (createClient()), received ${describeValue(options.client)}.`,
      );
    }
    const conflict = CONNECTION.find(
      (name) => options[name] !== undefined && options[name] !== null,
    );
    if (conflict !== undefined) {
      throw ValidationError.forField(
        conflict,
        `is the client's to set: configure it on the shallot client, as createClient({ providers: { openai: { apiKey, apiBase, organization, project } } }), or leave client out.`,
      );
    }
  }
  for (const name of ['apiKey', 'baseURL', 'organization', 'project'] as const) {
    const value = options[name];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw ValidationError.forField(name, `expected a string, received ${describeValue(value)}.`);
    }
  }
  if (options.models !== undefined && !isModelSource(options.models)) {
    throw ValidationError.forField(
      'models',
      `expected a list of model names or a router (with groups), received ${describeValue(options.models)}.`,
    );
  }
  if (options.metadata !== undefined && !isRecord(options.metadata)) {
    throw ValidationError.forField(
      'metadata',
      `expected an object, received ${describeValue(options.metadata)}.`,
    );
  }
  for (const name of ['timeout', 'maxRetries'] as const) {
    const value = options[name];
    const whole = name === 'maxRetries';
    if (value !== undefined && !isCount(value, whole)) {
      throw ValidationError.forField(
        name,
        `expected ${whole ? 'a whole number from 0' : 'a positive number of milliseconds'}, received ${describeValue(value)}.`,
      );
    }
  }
}

function isModelSource(value: unknown): boolean {
  // A router is a middleware function that carries its groups.
  const carrier = (typeof value === 'function' || isRecord(value)) && 'groups' in value;
  const names = carrier ? (value as { groups: unknown }).groups : value;
  return Array.isArray(names) && names.every((name) => typeof name === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCount(value: unknown, whole: boolean): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  return whole ? Number.isInteger(value) && value >= 0 : value > 0;
}

function withoutUndefined<T extends object>(fields: T): T {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) kept[name] = value;
  return kept as T;
}
