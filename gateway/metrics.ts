import type * as PromClient from 'prom-client';
import type { Counter, Metric, Registry } from 'prom-client';
import {
  type Context,
  isInstalled,
  type OptionalPackage,
  requireOptional,
} from '../src/kit/index.js';
import { LatencyHistogram, type LatencySeries } from './latency-histogram.js';

/** Prometheus' client, an optional peer dependency: `npm install prom-client` for `/metrics`. */
export const PROM_CLIENT: OptionalPackage = {
  name: 'prom-client',
  neededBy: 'the gateway’s /metrics',
};

/** The labels of every series: the model (a router's group, where there is one), the key, the outcome. */
type Labels = 'model' | 'key' | 'status';

/**
 * The gateway's Prometheus metrics (prom-client): requests, tokens and cost by model and key,
 * and latency. Each call is counted when it ends, from its context, by the layer the gateway
 * runs on every call; `GET /metrics` answers with the registry's text.
 */
export class GatewayMetrics {
  readonly registry: Registry;
  /**
   * Each series' counts since the last scrape, by its labels: a call adds to numbers of its own,
   * and prom-client's counters get them when they are read. (Four `inc()`s a call, each checking
   * and hashing its labels, cost about 3 µs, a few percent of the gateway's CPU.)
   */
  readonly #unread = new Map<string, UnreadCounts>();
  readonly #requests: Counter<Labels>;
  readonly #tokens: Counter<Labels | 'type'>;
  readonly #cost: Counter<Labels>;
  readonly #latency: LatencyHistogram;

  constructor(prom: typeof PromClient) {
    this.registry = new prom.Registry();
    const registers = [this.registry];
    const collect = () => this.#hand();
    this.#requests = new prom.Counter<Labels>({
      name: 'shallot_requests_total',
      help: 'Calls through the gateway, by model, key and outcome',
      labelNames: ['model', 'key', 'status'],
      registers,
      collect,
    });
    this.#tokens = new prom.Counter<Labels | 'type'>({
      name: 'shallot_tokens_total',
      help: 'Tokens of the calls, by model, key and type (prompt, completion)',
      labelNames: ['model', 'key', 'status', 'type'],
      registers,
      collect,
    });
    this.#cost = new prom.Counter<Labels>({
      name: 'shallot_cost_usd_total',
      help: 'What the calls cost, US dollars',
      labelNames: ['model', 'key', 'status'],
      registers,
      collect,
    });
    this.#latency = new LatencyHistogram(
      'shallot_request_duration_seconds',
      'Time from the request to the end of the answer (a stream: its last chunk)',
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    );
    this.registry.registerMetric(this.#latency as unknown as Metric);
  }

  /** The gateway's metrics when prom-client is installed; none otherwise (`/metrics` then says so). */
  static create(): GatewayMetrics | undefined {
    if (!isInstalled(PROM_CLIENT.name)) return undefined;
    return new GatewayMetrics(requireOptional<typeof PromClient>(PROM_CLIENT));
  }

  /** Counts a call that ended (the gateway's exchange layer calls it from its end listener). */
  count(ctx: Context): void {
    const model = stringOr(ctx.metadata.model_group, ctx.request.model);
    const key = keyOf(ctx.metadata);
    const status = ctx.status === 'success' ? 'success' : (ctx.error?.code ?? 'failure');
    const id = `${model}\u0000${key}\u0000${status}`;
    let counts = this.#unread.get(id);
    if (counts === undefined) {
      const labels = { model, key, status };
      const latency = this.#latency.series(id, labels);
      counts = { labels, requests: 0, tokens: undefined, cost: 0, latency };
      this.#unread.set(id, counts);
    }
    counts.requests++;
    const usage = ctx.usage;
    if (usage !== undefined) {
      counts.tokens ??= { prompt: 0, completion: 0 };
      counts.tokens.prompt += usage.prompt_tokens || 0;
      counts.tokens.completion += usage.completion_tokens || 0;
    }
    const cost = ctx.cost?.total;
    if (typeof cost === 'number' && cost > 0) counts.cost += cost;
    const { start, end = Date.now() } = ctx.timings;
    this.#latency.observe(counts.latency, (end - start) / 1000);
  }

  /** Hands the counts of every series to prom-client's counters, which are being read. */
  #hand(): void {
    for (const { labels, requests, tokens, cost } of this.#unread.values()) {
      this.#requests.inc(labels, requests);
      if (tokens !== undefined) {
        this.#tokens.inc({ ...labels, type: 'prompt' }, tokens.prompt);
        this.#tokens.inc({ ...labels, type: 'completion' }, tokens.completion);
      }
      if (cost > 0) this.#cost.inc(labels, cost);
    }
    this.#unread.clear();
  }
}

/** A series' counts that prom-client's counters have not had yet. */
interface UnreadCounts {
  labels: Record<Labels, string>;
  requests: number;
  /** Undefined while no call of the series had a usage (its token series is not made until one does). */
  tokens: { prompt: number; completion: number } | undefined;
  /** Dollars of the calls that cost something (its cost series is not made until one does). */
  cost: number;
  /** The series' latencies, which are never handed over: the histogram is the registry's own. */
  latency: LatencySeries;
}

/** A key as a label: its alias, else the start of its hash (never the key); `none` without one. */
function keyOf(metadata: Record<string, unknown>): string {
  const alias = metadata.key_alias;
  if (typeof alias === 'string' && alias !== '') return alias;
  const hash = metadata.user_api_key_hash;
  return typeof hash === 'string' && hash !== '' ? hash.slice(0, 12) : 'none';
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
