import { type BackoffSettings, backoffDelay, sleep } from 'shallot/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejectionOf } from '../../support/streams.js';

const settings: BackoffSettings = {
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  jitter: 0,
};

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('backoffDelay()', () => {
  it('doubles from baseDelayMs with each retry, up to maxDelayMs', () => {
    const waits = [0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, undefined, settings));
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('takes up to jitter of the computed wait off, as the random source says', () => {
    const jittered = { ...settings, jitter: 0.5 };
    expect(backoffDelay(1, undefined, jittered, () => 0)).toBe(1000);
    expect(backoffDelay(1, undefined, jittered, () => 0.5)).toBe(750);
    expect(backoffDelay(1, undefined, jittered, () => 1)).toBe(500);
  });

  it('waits what the server asked, jitter aside, up to maxRetryAfterMs', () => {
    expect(backoffDelay(3, 1250, { ...settings, jitter: 1 })).toBe(1250);
    expect(backoffDelay(0, 0, settings)).toBe(0);
    expect(backoffDelay(0, 60_000, settings)).toBe(60_000);
  });

  it('does not honour a hint beyond maxRetryAfterMs, or a negative one: the computed wait is used', () => {
    expect(backoffDelay(0, 3_600_000, settings)).toBe(500);
    expect(backoffDelay(2, -1, settings)).toBe(2000);
  });
});

describe('sleep()', () => {
  it('resolves after the wait, and not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let done = false;
    const waiting = sleep(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it("rejects with the signal's reason as soon as it aborts, and clears its timer", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();
    const waiting = rejectionOf(sleep(10_000, controller.signal));
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('cancelled');
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once for a signal already aborted, and resolves at once for no wait', async () => {
    const reason = new Error('too late');
    expect(await rejectionOf(sleep(10_000, AbortSignal.abort(reason)))).toBe(reason);
    await expect(sleep(0)).resolves.toBeUndefined();
  });

  it('keeps the process alive unless told not to', async () => {
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      ...args: Parameters<typeof setTimeout>
    ) => {
      const timer = real(...args);
      timers.push(timer);
      return timer;
    }) as typeof setTimeout);
    const controller = new AbortController();
    const kept = sleep(60_000, controller.signal).catch(() => {});
    const background = sleep(60_000, controller.signal, { keepAlive: false }).catch(() => {});
    expect(timers.map((timer) => timer.hasRef())).toEqual([true, false]);
    controller.abort();
    await Promise.all([kept, background]);
  });
});
