import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from '../../middleware/router/index.js';
import { httpError, toHttpError } from '../errors.js';
import type { GatewayRoute } from '../index.js';
import type { KeyInfo } from '../keys/record.js';
import type { KeyStore } from '../keys/store.js';
import { send, sendJson } from '../respond.js';
import {
  type DashboardData,
  type DeploymentRow,
  KEY_ROW_FIELDS,
  type KeyRow,
  type LiveState,
  type RangeQuery,
} from './data.js';
import { renderPage } from './page/index.js';
import { rangeQueryOf } from './query.js';

/** Options of {@link dashboardRoutes}. */
export interface DashboardOptions {
  /** Who may see the data: true for an administrator (`createKeyAuth().isAdmin`). */
  isAdmin: (request: IncomingMessage) => Promise<boolean>;
  /** The charts' data for a range, as `spendLogDashboard()` reads it from the spend log. */
  data: (query: RangeQuery) => Promise<DashboardData>;
  /** The virtual keys the keys table lists. @default none: the table is empty */
  keys?: Pick<KeyStore, 'list'>;
  /** The router whose deployments are listed. @default none */
  router?: Pick<Router, 'health'>;
  /** Where a failure to read the data is reported (never to the browser beyond a 503). @default console.error */
  onError?: (error: unknown) => void;
}

/** Headers of every dashboard answer: not cached, not framed, no referrer. */
const PRIVATE = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * The gateway's dashboard, as routes for `createGateway({ routes })`: `GET /ui` (the page: it
 * asks for the master key or an admin key, then reads the rest), `GET /ui/api/data?from&to&by`
 * (the charts of a range), `GET /ui/api/live` (the router's deployments), `GET /ui/api/keys`
 * (the live keys; they are created, changed and revoked through the `/key/*` routes). Every
 * `/ui/api` route is for administrators only: a 401 otherwise.
 *
 * @example
 * const gateway = createGateway({ client, routes: { ...auth.routes, ...dashboardRoutes({ isAdmin: auth.isAdmin, data, keys: auth.store }) } });
 */
export function dashboardRoutes(options: DashboardOptions): Record<string, GatewayRoute> {
  const onError =
    options.onError ??
    ((error: unknown) =>
      console.error(
        `[shallot dashboard] ${error instanceof Error ? error.message : String(error)}`,
      ));
  let page: string | undefined;
  const admin =
    (work: (request: IncomingMessage) => Promise<unknown>): GatewayRoute =>
    async (request, response) => {
      if (!(await options.isAdmin(request))) {
        return send(
          response,
          httpError(
            401,
            'the dashboard needs the master key (or an admin key): Authorization: Bearer <key>',
            'invalid_api_key',
          ),
        );
      }
      let answer: unknown;
      try {
        answer = await work(request);
      } catch (error) {
        onError(error);
        const failure = toHttpError(error);
        return send(response, failure.status >= 500 ? unavailable() : failure);
      }
      if (isRefusal(answer)) return send(response, answer.refusal);
      sendJson(response, 200, answer, PRIVATE);
    };
  return {
    'GET /ui': async (_request, response) => {
      page ??= renderPage({ mode: 'live', apiBase: '/ui/api' });
      sendHtml(response, page);
    },
    'GET /ui/api/data': admin(async (request) => {
      const search = new URL(request.url ?? '/', 'http://gateway').searchParams;
      const query = rangeQueryOf(search, Date.now());
      if ('status' in query) return { refusal: query };
      return options.data(query);
    }),
    'GET /ui/api/live': admin(async (): Promise<LiveState> => {
      const health = (await options.router?.health()) ?? [];
      return {
        deployments: health.map(
          (deployment): DeploymentRow => ({
            id: deployment.id,
            modelName: deployment.modelName,
            model: deployment.model,
            apiBase: deployment.apiBase ?? null,
            state: deployment.state,
            coolingUntil: deployment.coolingUntil?.getTime() ?? null,
            inFlight: deployment.inFlight,
            requests: deployment.requests,
            tokens: deployment.tokens,
            rpm: deployment.rpm ?? null,
            tpm: deployment.tpm ?? null,
          }),
        ),
        generatedAt: Date.now(),
      };
    }),
    'GET /ui/api/keys': admin(async () => ({
      keys: ((await options.keys?.list()) ?? []).map(keyRowOf),
    })),
  };
}

/** A key as the keys table shows it: never the key, its hash as `token`. */
export function keyRowOf(info: KeyInfo): KeyRow {
  const row = Object.fromEntries(KEY_ROW_FIELDS.map((field) => [field, info[field]]));
  return {
    ...(row as Pick<KeyInfo, (typeof KEY_ROW_FIELDS)[number]>),
    expires: info.expires?.toISOString() ?? null,
    created_at: info.created_at.toISOString(),
  };
}

function isRefusal(value: unknown): value is { refusal: ReturnType<typeof httpError> } {
  return value !== null && typeof value === 'object' && 'refusal' in value;
}

function unavailable() {
  return httpError(503, 'the dashboard data is unavailable: try again shortly', 'unavailable');
}

function sendHtml(response: ServerResponse, html: string): void {
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    ...PRIVATE,
  });
  response.end(html);
}
