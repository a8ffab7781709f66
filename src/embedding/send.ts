import type { Dispatcher } from 'undici';
import type { EmbeddingCallContext } from '../context/context.js';
import type { ProviderRequest } from '../context/types.js';
import { tokenCounter } from '../cost/estimate.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import { ShallotError } from '../errors/shallot-error.js';
import type { EmbeddingAdapter, EmbeddingBatch, ResolvedProvider } from '../providers/provider.js';
import { type BodyLimits, exchangeJson } from '../transport/http.js';
import type { EmbeddingItem } from '../types/embedding.js';
import { embeddingAdapterOf } from './adapter.js';
import { batchesOf, embeddingItems } from './items.js';
import { buildEmbeddingResponse } from './response.js';

/** How many batches of one call are in flight at once. */
const BATCH_CONCURRENCY = 4;

/** What the embedding transport needs from the client. */
export interface EmbeddingTransportSettings {
  dispatcher: Dispatcher;
  timeout: number;
  limits: BodyLimits;
}

/**
 * Sends an embedding attempt: the prepared request when the input fits one request, else one
 * request per batch of the provider's `maxBatchSize` (same URL and headers, at most
 * {@link BATCH_CONCURRENCY} in flight), and answers the call with every vector in input order.
 * Widths are checked: each vector has `dimensions` values when the call asked for them, and
 * all vectors have the same width.
 */
export async function sendEmbeddings(
  ctx: EmbeddingCallContext,
  settings: EmbeddingTransportSettings,
): Promise<void> {
  const prepared = ctx.providerRequest;
  if (prepared === undefined) throw new Error('transport reached without a prepared request');
  const provider = ctx.provider;
  const items = embeddingItems(ctx.request.input);
  const adapter = embeddingAdapterOf(provider, items, ctx.request.model);
  const batches =
    items.length <= adapter.maxBatchSize ? [items] : batchesOf(items, adapter.maxBatchSize);
  const requests: ProviderRequest[] =
    batches.length === 1
      ? [prepared]
      : batches.map((batch) => ({
          ...adapter.buildRequest({
            request: ctx.request,
            items: batch,
            provider,
            headers: ctx.options.headers,
          }),
          url: prepared.url,
          headers: prepared.headers,
        }));
  const bodies = await exchangeJson(ctx, requests, {
    ...settings,
    concurrency: BATCH_CONCURRENCY,
  });
  const read = bodies.map((body, index) =>
    readBatch(adapter, body, provider, (batches[index] as EmbeddingItem[]).length),
  );
  const vectors = read.flatMap((batch) => batch.vectors);
  let promptTokens: number | undefined = 0;
  for (const batch of read) {
    promptTokens =
      batch.promptTokens === undefined ? undefined : (promptTokens ?? 0) + batch.promptTokens;
    if (promptTokens === undefined) break;
  }
  if (promptTokens === undefined) {
    promptTokens = estimateTokens(items);
    ctx.usageEstimated = true;
  }
  ctx.deliverEmbeddings(
    buildEmbeddingResponse(ctx, vectors, {
      model: read[0]?.model ?? provider.model,
      promptTokens,
      origin: provider,
    }),
  );
}

/** One batch's answer through its adapter; anything the adapter throws untyped is a malformed answer. */
function readBatch(
  adapter: EmbeddingAdapter,
  body: unknown,
  provider: ResolvedProvider,
  count: number,
): EmbeddingBatch {
  try {
    return adapter.parseResponse(body, provider, count);
  } catch (error) {
    if (error instanceof ShallotError) throw error;
    throw new InvalidResponseError({
      provider: provider.name,
      model: provider.model,
      cause: error,
      message: `${provider.name}/${provider.model}: the answer is malformed: ${String((error as Error)?.message ?? error)}.`,
    });
  }
}

/** Input tokens by the tokenizer the cost layer uses: a token list counts its length. */
export function estimateTokens(items: readonly EmbeddingItem[]): number {
  const count = tokenCounter();
  let tokens = 0;
  for (const item of items) tokens += typeof item === 'string' ? count(item) : item.length;
  return tokens;
}
