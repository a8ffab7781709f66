import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyHooks } from '../middleware/proxy-hooks/index.js';
import type { Client } from '../src/client/client.js';
import type { CompletionParams } from '../src/client/params.js';
import {
  AbortError,
  CALL_OPTION_NAMES,
  type CompletionStream,
  type EmbeddingParams,
  type Middleware,
} from '../src/kit/index.js';
import { readJsonBody, requestFields } from './body.js';
import { type HttpError, httpError, toHttpError } from './errors.js';
import { GatewayMetrics } from './metrics.js';
import { send, sendJson } from './respond.js';
import { writeStream } from './sse.js';

export * from './config/index.js';
export * from './dashboard/index.js';
export { type HttpError, httpError, toHttpError } from './errors.js';
export * from './keys/index.js';
export { send, sendJson } from './respond.js';

/** Who is calling, as the gateway's authentication found: what their calls carry and may use. */
export interface Caller {
  /** Merged into every call's metadata (over what the request body's `metadata` says). */
  metadata: Record<string, unknown>;
  /** The models (or router groups) the caller may call; all when undefined. */
  models?: readonly string[];
}

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The client every request runs through: its middleware, callbacks, cost, cache, router, limits, sinks. */
  client: Client;
  /** The models `GET /v1/models` lists (a caller's allowed models, where it has a list). */
  models?: readonly string[];
  /**
   * Finds the caller of a request from its headers, or refuses it with an HTTP error (a 401).
   * @default every request is an anonymous caller: no key is checked
   */
  authenticate?: (request: IncomingMessage) => Promise<Caller | HttpError> | Caller | HttpError;
  /**
   * Routes of your own (the virtual keys' `/key/*`, say), by `METHOD /path` without `/v1`: each
   * gets the request, the response and its JSON body (for a POST), before authentication (it
   * checks what it needs itself).
   */
  routes?: Readonly<Record<string, GatewayRoute>>;
  /** Whether the services the gateway needs answer, for `GET /health/readiness`. @default always ready */
  readiness?: () => Promise<Record<string, boolean>>;
  /** The largest request body. @default 10 MiB */
  maxBodyBytes?: number;
  /** Milliseconds a client may take to send a request's headers. @default 10000 */
  headersTimeoutMs?: number;
  /** Milliseconds a client may take to send a whole request. @default 60000 */
  requestTimeoutMs?: number;
}

/** A route of your own: answers the request (`send()` and `sendJson()` help). */
export type GatewayRoute = (
  request: IncomingMessage,
  response: ServerResponse,
  body: Record<string, unknown> | undefined,
) => Promise<void>;

/** A running gateway, or one to start. */
export interface Gateway {
  readonly server: Server;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:4000`). @default 127.0.0.1, a free port */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /**
   * Stops taking requests, lets those in flight finish within `graceMs` (then cuts them), and
   * flushes the client's callbacks and sinks.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const ANONYMOUS: Caller = { metadata: {} };

/** How often a closing gateway closes the keep-alive connections that went idle. */
const IDLE_SWEEP_MS = 20;

/**
 * An OpenAI-compatible HTTP server in front of a shallot client: every request becomes one call
 * of the client, so every layer (callbacks, cost, cache, router, limits, sinks) governs it; the
 * server only translates. Routes: `POST /v1/chat/completions` (plain and SSE), `POST
 * /v1/embeddings`, `GET /v1/models`, `GET /health/liveliness`, `GET /health/readiness`; the `/v1`
 * prefix is optional. A client that goes away aborts its call.
 *
 * @example
 * const gateway = createGateway({ client: createClient({ middleware: [limits(...)] }) });
 * const url = await gateway.listen({ port: 4000 });
 */
export function createGateway(options: GatewayOptions): Gateway {
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const client = options.client;
  const hooks = proxyHooks({ handlers: () => client.callbacks, cache: () => client.cache });
  const metrics = GatewayMetrics.create();
  let closing = false;
  // No list of the requests in flight: an old Set that every request's response passed through
  // kept each request's objects alive through two young-generation collections, to be promoted
  // and collected by the old generation's (8.9 % of what the gateway allocated was promoted,
  // against 4 % without it). close() reaches them through the server's own connections instead.
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 60_000,
    },
    (request, response) => {
      if (closing) response.setHeader('connection', 'close');
      handle(request, response).catch((error: unknown) => send(response, toHttpError(error)));
    },
  );

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = routeOf(request.url ?? '/');
    const method = request.method ?? 'GET';
    if (method === 'GET' && path === '/health/liveliness')
      return sendJson(response, 200, "I'm alive!");
    if (method === 'GET' && path === '/health/readiness') return ready(response);
    if (method === 'GET' && path === '/metrics') {
      if (metrics === undefined) {
        return send(
          response,
          httpError(
            501,
            'metrics need prom-client: npm install prom-client',
            'metrics_unavailable',
          ),
        );
      }
      const text = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(text);
      return;
    }
    const own = options.routes?.[`${method} ${path}`];
    if (own !== undefined) {
      const read = method === 'POST' ? await readJsonBody(request, maxBodyBytes) : undefined;
      if (read !== undefined && 'error' in read) return send(response, read.error);
      return own(request, response, read?.body);
    }
    const route = ROUTES[`${method} ${path}`];
    if (route === undefined)
      return send(response, httpError(404, `no route ${method} ${path}`, 'not_found'));
    // Awaited only when it is a promise: a key remembered in memory answers in this turn.
    const authenticated = options.authenticate?.(request) ?? ANONYMOUS;
    const caller = authenticated instanceof Promise ? await authenticated : authenticated;
    if (isHttpError(caller)) return send(response, caller);
    if (route === 'models') {
      const ids = caller.models ?? options.models ?? [];
      return sendJson(response, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'shallot' })),
      });
    }
    const read = await readJsonBody(request, maxBodyBytes);
    if ('error' in read) return send(response, read.error);
    const body = read.body;
    const fields = requestFields(body, CALL_OPTION_NAMES);
    const model = fields.model;
    if (
      caller.models !== undefined &&
      typeof model === 'string' &&
      !caller.models.includes(model)
    ) {
      return send(
        response,
        httpError(403, `this key may not call ${model}`, 'model_not_allowed', 'model'),
      );
    }
    // The call's parameters: the body's own fields (a copy), the merged metadata, and the layers
    // of this exchange.
    const params = fields;
    params.metadata = { ...objectOrNone(body.metadata), ...caller.metadata };
    // What the call cost, as LiteLLM's proxy tells it (`x-litellm-response-cost`), for a plain answer.
    let cost: number | null | undefined;
    // The call's tie to its exchange: its cost for the header, its metrics, and a client that
    // goes away aborts it, by `ctx.abort()` rather than an `AbortSignal`: a signal per request,
    // linked to the call, cost about 15 µs of the gateway's CPU a call.
    const exchange: Middleware = (ctx, next) => {
      const onClose = () => {
        if (!response.writableFinished) ctx.abort(clientGone(ctx.request.model));
      };
      if (response.destroyed) onClose();
      else response.on('close', onClose);
      ctx.onEnd(() => {
        response.off('close', onClose);
        cost = ctx.cost?.total;
        metrics?.count(ctx);
      });
      return next();
    };
    // The proxy hooks run inside the client's own layers, for every route alike.
    params.middleware = [exchange, hooks];
    if (route === 'embeddings') {
      const encoding = fields.encoding_format === 'base64' ? 'base64' : 'float';
      delete params.encoding_format;
      params.encodingFormat = encoding;
      const answer = await options.client.embedding(params as unknown as EmbeddingParams);
      return sendJson(response, 200, answer, costHeader(cost));
    }
    const answer = await options.client.completion(params as unknown as CompletionParams);
    if (fields.stream === true) return writeStream(answer as CompletionStream, response);
    return sendJson(response, 200, answer, costHeader(cost));
  }

  async function ready(response: ServerResponse): Promise<void> {
    const checks = (await options.readiness?.()) ?? {};
    const healthy = Object.values(checks).every(Boolean);
    sendJson(response, healthy ? 200 : 503, {
      status: healthy ? 'healthy' : 'unhealthy',
      ...checks,
    });
  }

  return {
    server,
    listen: ({ port = 0, host = '127.0.0.1' } = {}) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
        });
      }),
    close: async ({ graceMs = 10_000 } = {}) => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections are closed as they go idle; those still busy at the end of the
      // grace period are cut, which aborts their calls.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      sweep.unref();
      const grace = setTimeout(() => server.closeAllConnections(), graceMs);
      grace.unref();
      await closed;
      clearInterval(sweep);
      clearTimeout(grace);
      await options.client.flush({ timeoutMs: graceMs });
    },
  };
}

/** LiteLLM's header of a call's cost, where the call has one. */
function costHeader(cost: number | null | undefined): Record<string, string> {
  return typeof cost === 'number' ? { 'x-litellm-response-cost': String(cost) } : {};
}

const ROUTES: Readonly<Record<string, 'chat' | 'embeddings' | 'models'>> = {
  'POST /chat/completions': 'chat',
  'POST /embeddings': 'embeddings',
  'GET /models': 'models',
};

/** The route of a request's URL: its path without the query and without the optional `/v1`. */
function routeOf(url: string): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.startsWith('/v1/') ? trimmed.slice(3) : trimmed;
}

/** Why a call stops when the gateway's client goes away: an abort, as its own signal's would be. */
function clientGone(model: string): AbortError {
  return new AbortError({
    model,
    message: `${model}: the call was aborted because the gateway's client went away.`,
  });
}

/** The value when it is a JSON object (its own keys are spread, never a prototype), else nothing to spread. */
function objectOrNone(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function isHttpError(value: object): value is HttpError {
  return 'status' in value && 'body' in value && typeof (value as HttpError).status === 'number';
}
