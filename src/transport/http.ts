import type { Dispatcher } from 'undici';
import type { CallContext, CompletionCallContext } from '../context/context.js';
import type { ProviderRequest } from '../context/types.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import { toShallotError } from '../errors/normalize.js';
import { ShallotError } from '../errors/shallot-error.js';
import type { ResolvedProvider } from '../providers/provider.js';
import { scrubJson, scrubText } from '../secrets/mask.js';
import { completionProblem } from '../shapes/check.js';
import { ReplaySource } from '../stream/chunk-source.js';
import { completionToChunks } from '../stream/to-chunks.js';
import type { ChatCompletion } from '../types/openai.js';
import { AttemptSignal } from './attempt-signal.js';
import type { StreamLimits } from './body-source.js';
import { flattenHeaders, requestIdOf, revealHeaders } from './headers.js';
import { NdjsonSource } from './ndjson.js';
import { readBoundedText, readUpTo } from './read-body.js';
import { SseSource } from './sse.js';

type Body = Dispatcher.ResponseData['body'];

/** What the transport may hold in memory of one answer. */
export interface BodyLimits extends StreamLimits {
  /** The most bytes of a whole plain answer or error body. */
  maxResponseBytes: number;
}

/**
 * Sends the attempt's `ctx.providerRequest` over undici's dispatcher API (never `fetch`) and
 * reads the answer: `ctx.response` for a plain call, `ctx.stream` once the head of a stream
 * arrives. `timeout` bounds a plain call from request to last byte, and a stream's wait for
 * its response head; after the head, it bounds each pause between two pieces of the body.
 */
export async function sendHttp(
  ctx: CompletionCallContext,
  dispatcher: Dispatcher,
  timeout: number,
  limits: BodyLimits,
): Promise<void> {
  const request = ctx.providerRequest;
  if (request === undefined) throw new Error('transport reached without a prepared request');
  const provider = ctx.provider;
  const attempt = new AttemptSignal(ctx, timeout, `${provider.name}/${provider.model}`);
  let streaming = false;
  try {
    const response = await open(ctx, dispatcher, request, attempt, timeout, limits);
    if (ctx.isStream && isStreamBody(response.headers['content-type'] ?? '', provider)) {
      attempt.stopTimer();
      const decoder = provider.adapter.createStreamDecoder(provider);
      const origin = { provider: provider.name, model: provider.model };
      const Source = provider.adapter.streamFraming === 'ndjson' ? NdjsonSource : SseSource;
      ctx.deliverStream(new Source(response.body, decoder, origin, limits), (reason) =>
        attempt.cancel(reason),
      );
      streaming = true;
      ctx.onEnd(() => attempt.release());
      return;
    }
    const { json, text } = await readJson(ctx, response, limits);
    answer(ctx, provider, response.status, response.headers, json, text);
  } catch (error) {
    throw attemptError(error, provider, attempt);
  } finally {
    if (!streaming) attempt.release();
  }
}

/** A 2xx response head, its body not read yet. */
interface OpenResponse {
  status: number;
  headers: Record<string, string>;
  body: Body;
}

/**
 * Sends one request of an attempt and waits for a 2xx head; any other status is read and
 * thrown as the provider's typed error. Sets `ctx.providerResponse`.
 */
async function open(
  ctx: CallContext,
  dispatcher: Dispatcher,
  request: ProviderRequest,
  signal: AttemptSignal,
  timeout: number,
  limits: BodyLimits,
): Promise<OpenResponse> {
  const target = splitUrl(request.url);
  const response = await dispatcher.request({
    origin: target.origin,
    path: target.path,
    method: request.method,
    headers: revealHeaders(request.headers),
    body: JSON.stringify(request.body),
    signal,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const status = response.statusCode;
  const headers = flattenHeaders(response.headers);
  ctx.providerResponse = { status, headers, requestId: requestIdOf(headers) };
  if (status < 200 || status >= 300) {
    throw await readFailure(ctx, ctx.provider, status, headers, response.body, limits);
  }
  return { status, headers, body: response.body };
}

/** Reads a 2xx body whole, within `maxResponseBytes`, as JSON. */
async function readJson(
  ctx: CallContext,
  response: OpenResponse,
  limits: BodyLimits,
): Promise<{ json: unknown; text: string }> {
  const provider = ctx.provider;
  const text = await readBoundedText(response.body, response.headers, limits.maxResponseBytes, {
    provider: provider.name,
    model: provider.model,
  });
  if (ctx.providerResponse) ctx.providerResponse.text = text;
  return { json: parseJson(text, provider), text };
}

function attemptError(
  error: unknown,
  provider: ResolvedProvider,
  attempt: AttemptSignal,
): ShallotError {
  return toShallotError(error, {
    provider: provider.name,
    model: provider.model,
    signal: attempt,
    midStream: false,
  });
}

/**
 * Sends the requests of one attempt that answers in one JSON body each (an embedding call's
 * batches), at most `concurrency` at a time, and resolves to their parsed bodies in order.
 * The attempt's `timeout` bounds them all together; the first failure cancels the rest and
 * is thrown, typed. A JSON body holding an error object is that provider's error.
 */
export async function exchangeJson(
  ctx: CallContext,
  requests: readonly ProviderRequest[],
  settings: { dispatcher: Dispatcher; timeout: number; limits: BodyLimits; concurrency: number },
): Promise<unknown[]> {
  const provider = ctx.provider;
  const attempt = new AttemptSignal(ctx, settings.timeout, `${provider.name}/${provider.model}`);
  const bodies = new Array<unknown>(requests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length && !attempt.aborted) {
      const index = next++;
      const request = requests[index] as ProviderRequest;
      const response = await open(
        ctx,
        settings.dispatcher,
        request,
        attempt,
        settings.timeout,
        settings.limits,
      );
      const { json, text } = await readJson(ctx, response, settings.limits);
      if (provider.adapter.findError(json) !== undefined) {
        throw mapFailure(provider, response.status, response.headers, json, text);
      }
      bodies[index] = json;
    }
  };
  try {
    const workers = Math.min(settings.concurrency, requests.length);
    const running: Array<Promise<void>> = [];
    for (let index = 0; index < workers; index++) running.push(worker());
    try {
      await Promise.all(running);
    } catch (error) {
      const failure = attemptError(error, provider, attempt);
      // The other batches are of no use now: stop them, and let them settle quietly.
      attempt.cancel(failure);
      await Promise.allSettled(running);
      throw failure;
    }
    return bodies;
  } catch (error) {
    throw attemptError(error, provider, attempt);
  } finally {
    attempt.release();
  }
}

/**
 * True when a stream request got a stream back. Some servers answer it with one JSON body
 * (an error, or a whole answer); an NDJSON stream is JSON by its type, so it counts too.
 */
function isStreamBody(contentType: string, provider: ResolvedProvider): boolean {
  if (provider.adapter.streamFraming === 'ndjson') return !/^application\/json\b/.test(contentType);
  return !contentType.includes('json');
}

/** Turns a parsed 2xx body into `ctx.response`, or into a stream for a stream request. */
function answer(
  ctx: CompletionCallContext,
  provider: ResolvedProvider,
  status: number,
  headers: Record<string, string>,
  json: unknown,
  text: string,
): void {
  if (provider.adapter.findError(json) !== undefined) {
    // LM Studio and some proxies answer errors with a 200.
    throw mapFailure(provider, status, headers, json, text);
  }
  const completion = readAnswer(provider, json);
  if (ctx.isStream) {
    // A server that answered a stream request with one JSON body: replay it as chunks.
    ctx.deliverStream(new ReplaySource(completionToChunks(completion)));
    return;
  }
  ctx.deliverAnswer(completion);
}

/**
 * The provider's answer as a `chat.completion`, well-formed: whatever the body holds, this
 * gives a completion whose every field shallot reads has its type and every index its bound,
 * or an `InvalidResponseError` (retryable) naming the first bad field.
 */
function readAnswer(provider: ResolvedProvider, json: unknown): ChatCompletion {
  let completion: ChatCompletion;
  try {
    completion = provider.adapter.parseResponse(json, provider);
  } catch (error) {
    if (error instanceof ShallotError) throw error;
    throw malformed(provider, json, String((error as Error)?.message ?? error), error);
  }
  const problem = completionProblem(completion);
  if (problem !== undefined) throw malformed(provider, json, problem);
  return completion;
}

function malformed(
  provider: ResolvedProvider,
  body: unknown,
  problem: string,
  cause?: unknown,
): InvalidResponseError {
  return new InvalidResponseError({
    provider: provider.name,
    model: provider.model,
    body,
    cause,
    message: `${provider.name}/${provider.model}: the answer is malformed: ${problem}.`,
  });
}

async function readFailure(
  ctx: CallContext,
  provider: ResolvedProvider,
  status: number,
  headers: Record<string, string>,
  body: Body,
  limits: BodyLimits,
): Promise<ShallotError> {
  let text = '';
  try {
    // An error body beyond the limit is cut there: its start says what failed.
    text = (await readUpTo(body, limits.maxResponseBytes)).text;
  } catch {
    // the status alone still says what failed
  }
  ctx.providerResponse = { status, headers, text, requestId: requestIdOf(headers) };
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (a proxy's HTML page, Anthropic's 413): keep the text
  }
  return mapFailure(provider, status, headers, parsed, text);
}

function mapFailure(
  provider: ResolvedProvider,
  status: number,
  headers: Record<string, string>,
  body: unknown,
  text: string,
): ShallotError {
  const secrets = provider.apiKey ? [provider.apiKey.reveal()] : [];
  return provider.adapter.mapError({
    status,
    body: scrubJson(body, secrets),
    text: scrubText(text, secrets),
    headers,
    provider: provider.name,
    model: provider.model,
    apiKeyEnv: provider.apiKeyEnv,
  });
}

function parseJson(text: string, provider: ResolvedProvider): unknown {
  try {
    // DeepSeek sends blank lines before the JSON while a request waits in its queue.
    return JSON.parse(text.trim());
  } catch {
    throw new InvalidResponseError({
      provider: provider.name,
      model: provider.model,
      body: text.slice(0, 500),
      message: `${provider.name}/${provider.model}: the response body is not valid JSON: ${JSON.stringify(text.slice(0, 80))}.`,
    });
  }
}

const targets = new Map<string, { origin: string; path: string }>();

/** Splits a URL into undici's origin and path, remembering the few URLs a process calls. */
function splitUrl(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (targets.size > 256) targets.clear();
    targets.set(url, target);
  }
  return target;
}
