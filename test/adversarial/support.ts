import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import {
  type CallbackKwargs,
  type Client,
  type ClientOptions,
  createClient,
  type ShallotError,
} from 'shallot';
import { expect } from 'vitest';

/** The key every hostile test sends, and looks for in what comes back. */
export const KEY = 'sk-hostile-0123456789abcdef-SECRET';

/** The four wire formats shallot speaks. */
export type WireFormat = 'openai' | 'anthropic' | 'gemini' | 'ollama';
export const WIRE_FORMATS: readonly WireFormat[] = ['openai', 'anthropic', 'gemini', 'ollama'];

/** The model name that reaches each wire format. */
export const MODEL_OF: Readonly<Record<WireFormat, string>> = {
  openai: 'openai/gpt-4o-mini',
  anthropic: 'anthropic/claude-haiku-4-5',
  gemini: 'gemini/gemini-2.5-flash',
  ollama: 'ollama/llama3.2',
};

/** A client whose terminal callback events are counted per call. */
export interface CountingClient {
  client: Client;
  /** Success events seen by `successCallback`. */
  successes: CallbackKwargs[];
  /** Final failure events (not `will_retry` ones) seen by `failureCallback`. */
  failures: CallbackKwargs[];
  /** Reports to `onCallbackError`. */
  reported: unknown[];
  /** Waits for the callbacks, then returns how many terminal events the calls produced. */
  terminalEvents(): Promise<number>;
}

/** A client for `format` pointed at `apiBase`, with the hostile key and counted callbacks. */
export function countingClient(
  format: WireFormat,
  apiBase: string,
  options: ClientOptions = {},
): CountingClient {
  const successes: CallbackKwargs[] = [];
  const failures: CallbackKwargs[] = [];
  const reported: unknown[] = [];
  const client = createClient({
    onCallbackError: (error) => reported.push(error),
    ...options,
    providers: { [format]: { apiKey: KEY, apiBase } },
  });
  client.successCallback.push((kwargs: CallbackKwargs) => {
    successes.push(kwargs);
  });
  client.failureCallback.push((kwargs: CallbackKwargs) => {
    if (kwargs.will_retry !== true) failures.push(kwargs);
  });
  return {
    client,
    successes,
    failures,
    reported,
    async terminalEvents() {
      await client.flush({ timeoutMs: 5000 });
      return successes.length + failures.length;
    },
  };
}

/** A call's parameters for `format`. */
export function paramsFor(format: WireFormat) {
  return { model: MODEL_OF[format], messages: [{ role: 'user' as const, content: 'Hello' }] };
}

/**
 * Runs one well-formed plain and one streamed call of every format against `url` (which must
 * answer them), so that a test's loop measurement sees the hostile input, not the first
 * loading of modules and connections.
 */
export async function warmUp(
  url: string,
  reply: (body: string, contentType: string) => void,
  bodies: (format: WireFormat) => { plain: string; stream: string; streamType: string },
): Promise<void> {
  // The tokenizer that estimates a failed stream's usage loads synchronously on first use
  // (about 350 ms, docs/cost.md): loaded here, so that no measured call pays that one-time cost.
  createRequire(import.meta.url)('gpt-tokenizer/cjs/encoding/o200k_base');
  for (const format of WIRE_FORMATS) {
    const { client } = countingClient(format, url);
    const { plain, stream, streamType } = bodies(format);
    reply(plain, 'application/json');
    await client.completion(paramsFor(format));
    reply(stream, streamType);
    for await (const _chunk of await client.completion({ ...paramsFor(format), stream: true })) {
      // read through
    }
    await client.shutdown();
  }
}

/**
 * How long this process's own work blocked the event loop at most while `work` ran, in
 * milliseconds. A timer ticks every 5 ms; each gap between two ticks, less those 5 ms, is a
 * delay, counted only as far as the process used CPU in it. A block by our code burns CPU for
 * as long as it lasts, so it shows in full; a delay while the machine ran others (a loaded CI
 * box) burns none, and does not count.
 */
export async function maxLoopDelayDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; maxDelayMs: number }> {
  const tickMs = 5;
  let maxDelayMs = 0;
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  const tick = () => {
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const delay = Math.min(wall - lastWall - tickMs, (cpu.user + cpu.system) / 1000);
    if (delay > maxDelayMs) maxDelayMs = delay;
    lastWall = wall;
    lastCpu = process.cpuUsage();
  };
  const ticker = setInterval(tick, tickMs);
  try {
    const result = await work();
    // One more turn, so that a block at the very end is sampled too.
    await new Promise((resolve) => setTimeout(resolve, 2 * tickMs));
    tick();
    return { result, maxDelayMs };
  } finally {
    clearInterval(ticker);
  }
}

/** Every string an error shows to whoever catches, logs or serialises it. */
export function stringsOfError(error: unknown): string[] {
  const failure = error as Partial<ShallotError> & Error;
  return [
    String(failure.message),
    String(failure.stack),
    String(failure),
    JSON.stringify(failure) ?? '',
    inspect(failure, { depth: 12 }),
    JSON.stringify(failure.body ?? null) ?? '',
    String(failure.requestId ?? ''),
    inspect(failure.partialResponse ?? null, { depth: 12 }),
  ];
}

/** Fails when the raw key appears in any string the error carries. */
export function expectNoKeyIn(error: unknown, key = KEY): void {
  for (const text of stringsOfError(error)) expect(text).not.toContain(key);
}

/** Fails when a hostile value reached a built-in prototype. */
export function expectPrototypesClean(): void {
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('content');
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('finishReason');
  for (const prototype of [Object.prototype, Array.prototype, Function.prototype]) {
    expect(Object.keys(prototype)).toEqual([]);
  }
  const probe: Record<string, unknown> = {};
  expect(probe.content).toBeUndefined();
  expect(probe.polluted).toBeUndefined();
}

/** The rejection of a call, typed; fails when it resolved. */
export async function failureOf(promise: Promise<unknown>): Promise<ShallotError> {
  try {
    await promise;
  } catch (error) {
    return error as ShallotError;
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/** Reads a stream to its end, or to its error; returns the error, or undefined. */
export async function readToEnd(stream: AsyncIterable<unknown>): Promise<ShallotError | undefined> {
  try {
    for await (const _chunk of stream) {
      // every chunk is read
    }
    return undefined;
  } catch (error) {
    return error as ShallotError;
  }
}
