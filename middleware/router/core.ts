import {
  type Context,
  estimatePromptTokens,
  type ShallotError,
  StoreGuard,
} from '../../src/kit/index.js';
import type { Deployment, Groups } from './deployments.js';
import { cooldownAfter } from './failures.js';
import type { RouterSettings } from './options.js';
import { type Claim, claimLocally, DeploymentStats, type SharedState } from './state.js';

/**
 * The router's state across calls: the groups, this process's view of every deployment, and the
 * shared state when there is one. A shared state that fails or is slow is reported once, and
 * this process's state is used until it works again (see {@link StoreGuard}): a call never
 * fails because Redis did.
 */
export class RouterCore {
  readonly groups: Groups;
  readonly settings: RouterSettings;
  readonly stats: DeploymentStats[];
  readonly shared: SharedState | undefined;
  /** Bounds and pauses every use of the shared state. */
  readonly guard: StoreGuard;

  constructor(groups: Groups, settings: RouterSettings, shared: SharedState | undefined) {
    this.groups = groups;
    this.settings = settings;
    this.shared = shared;
    this.guard = new StoreGuard(settings.storeTimeoutMs, 'router (store)');
    const count = [...groups.values()].reduce((sum, group) => sum + group.length, 0);
    this.stats = Array.from({ length: count }, () => new DeploymentStats());
  }

  statsOf(deployment: Deployment): DeploymentStats {
    return this.stats[deployment.index] as DeploymentStats;
  }

  /**
   * The first of `ordered` that can take the call, one request counted for it: at once from
   * this process's state (so that the calls of one turn see each other's picks), or from the
   * shared state, this process's when that fails.
   */
  claim(ctx: Context, ordered: readonly Deployment[], now: number): Claim | Promise<Claim> {
    const shared = this.shared;
    if (shared === undefined) return claimLocally(ordered, this.stats, now);
    return this.guard
      .run('claim', () => shared.claim(ordered, now), ctx)
      .then((claimed) => {
        if (claimed === undefined) return claimLocally(ordered, this.stats, now);
        // This process's counts follow, for its own view (health, least busy, usage-based).
        const chosen = ordered[claimed.index];
        if (chosen !== undefined) this.statsOf(chosen).requests++;
        return claimed;
      });
  }

  /** Records a failed attempt, and cools its deployment (everywhere) when the rules say so. */
  async failed(
    ctx: Context,
    deployment: Deployment,
    error: ShallotError,
    started: number,
  ): Promise<void> {
    const now = Date.now();
    const stats = this.statsOf(deployment);
    if (error.code === 'timeout') stats.sample(ctx.isStream, now - started);
    const until = cooldownAfter(error, stats, this.settings, now);
    if (until === undefined) return;
    stats.coolingUntil = Math.max(stats.coolingUntil, until);
    const shared = this.shared;
    if (shared !== undefined) {
      await this.guard.run('cool', () => shared.cool(deployment, until, now), ctx);
    }
  }

  /** Records a finished attempt: its latency and its tokens. */
  succeeded(ctx: Context, deployment: Deployment, started: number): void {
    const now = Date.now();
    const stats = this.statsOf(deployment);
    const stream = ctx.isStream;
    const firstToken = ctx.timings.firstToken;
    if (stream) {
      if (firstToken !== undefined) stats.sample(true, Math.max(0, firstToken - started));
    } else {
      const output = ctx.usage?.completion_tokens;
      const per = typeof output === 'number' && output > 0 ? output : 1;
      stats.sample(false, (now - started) / per);
    }
    const tokens = ctx.usage?.total_tokens;
    if (typeof tokens !== 'number' || !(tokens > 0)) return;
    stats.roll(now);
    stats.tokens += tokens;
    const shared = this.shared;
    if (shared !== undefined) {
      ctx.defer(
        () => this.guard.run('tokens', () => shared.addTokens(deployment, tokens, now), ctx),
        {
          callback: 'router',
          event: 'usage',
        },
      );
    }
  }

  /** The deployments of `group` whose context window takes the request (all, where none is known). */
  fitting(ctx: Context, group: readonly Deployment[], estimate: { tokens?: number }): Deployment[] {
    if (ctx.kind !== 'completion') return [...group];
    let smallest = Number.POSITIVE_INFINITY;
    for (const deployment of group) {
      if (deployment.maxInputTokens !== undefined)
        smallest = Math.min(smallest, deployment.maxInputTokens);
    }
    if (smallest === Number.POSITIVE_INFINITY) return [...group];
    // The tokenizer only where the request could be too big for some deployment.
    if (upperBound(ctx.request.messages) <= smallest) return [...group];
    estimate.tokens ??= estimatePromptTokens(ctx.request.messages);
    const tokens = estimate.tokens;
    return group.filter(
      (deployment) => (deployment.maxInputTokens ?? Number.POSITIVE_INFINITY) >= tokens,
    );
  }
}

/**
 * More tokens than `messages` can hold, cheaply: four per character (more than any tokenizer
 * gives), plus the per-message overhead; for a request well inside every window, no tokenizer.
 */
function upperBound(messages: ReadonlyArray<{ content?: unknown; tool_calls?: unknown }>): number {
  let characters = 0;
  for (const message of messages) {
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) characters += JSON.stringify(content).length;
    if (message.tool_calls !== undefined) characters += JSON.stringify(message.tool_calls).length;
  }
  return characters * 4 + 4 * messages.length + 3;
}
