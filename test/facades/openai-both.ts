import RealOpenAI from 'openai';
import FacadeOpenAI from 'shallot/openai';
import type { FakeProvider } from '../support/fake-provider.js';

/** The `openai` package's client class: what a snippet of its README is written against. */
export type OpenAIClass = typeof RealOpenAI;

/** The key both clients send to the fake provider. */
export const TEST_KEY = 'sk-test-0123456789abcdef';

/**
 * The facade, typed as the class it stands in for: a README snippet receives it where it
 * expects `openai`'s, as code does whose only change is the import.
 */
export const FACADE = FacadeOpenAI as unknown as OpenAIClass;

/** What one snippet gave with each client, and the requests each sent. */
export interface BothResults<T> {
  /** The `openai` package's result. */
  theirs: T;
  /** The facade's result. */
  ours: T;
  /** The requests the fake provider received from `openai`, then from the facade. */
  sent: { theirs: FakeProvider['requests']; ours: FakeProvider['requests'] };
}

/**
 * Runs a snippet of the `openai` package's README twice against the same fake provider: with
 * `openai` itself, then with `shallot/openai`. The fake's script starts over for the second run.
 *
 * @example
 * const { theirs, ours } = await both(fake, async (OpenAI) => {
 *   const client = new OpenAI({ apiKey: TEST_KEY, baseURL: fake.url });
 *   return (await client.chat.completions.create(body)).choices[0]?.message.content;
 * });
 */
export async function both<T>(
  fake: FakeProvider,
  snippet: (OpenAI: OpenAIClass) => Promise<T>,
): Promise<BothResults<T>> {
  const script = currentScript(fake);
  scripts.delete(fake);
  const theirs = await snippet(RealOpenAI);
  const theirRequests = [...fake.requests];
  fake.forget();
  fake.reply(...script);
  const ours = await snippet(FACADE);
  return { theirs, ours, sent: { theirs: theirRequests, ours: [...fake.requests] } };
}

/** The script the test gave the fake, kept so that the second run gets it again. */
const scripts = new WeakMap<FakeProvider, Parameters<FakeProvider['reply']>>();

/**
 * Scripts the fake's replies for the next `both()`, as `fake.reply()` does, keeping the
 * script to replay it for the facade's run.
 */
export function script(fake: FakeProvider, ...replies: Parameters<FakeProvider['reply']>): void {
  scripts.set(fake, replies);
  fake.reply(...replies);
}

function currentScript(fake: FakeProvider): Parameters<FakeProvider['reply']> {
  const replies = scripts.get(fake);
  if (replies === undefined) {
    throw new Error('script the fake provider with script(fake, ...) before both()');
  }
  return replies;
}

/** What a caught error shows a caller of either client. */
export interface ErrorView {
  className: string;
  isAPIError: boolean;
  status: number | undefined;
  code: unknown;
  param: unknown;
  type: unknown;
  error: unknown;
  requestID: unknown;
}

/** The fields of an error that code written against `openai` reads. */
export function errorView(error: unknown, OpenAI: OpenAIClass): ErrorView {
  const failure = error as InstanceType<OpenAIClass['APIError']>;
  return {
    className: (error as object).constructor.name,
    isAPIError: error instanceof OpenAI.APIError,
    status: failure.status,
    code: failure.code,
    param: failure.param,
    type: failure.type,
    error: failure.error,
    requestID: failure.requestID,
  };
}

/** The rejection of `work`: fails the test when it resolves. */
export async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, and the work resolved');
}

/** Resolves once the fake provider has received `count` requests (polled each turn of the event loop). */
export async function arrived(fake: FakeProvider, count: number): Promise<void> {
  while (fake.requests.length < count) await new Promise((resolve) => setImmediate(resolve));
}
