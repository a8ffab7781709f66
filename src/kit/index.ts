/**
 * The middleware kit (`shallot/kit`): everything a layer of the onion needs, and everything the
 * built-in layers use. A layer written with this module alone can do what shallot's own do:
 * answer a call (a completion, or chunks that become a stream), run attempts, mask the call's
 * secrets, build the call record, deliver records to a sink, check its options.
 */

export { Cache, type CacheOptions } from '../cache/cache.js';
export { decodeCacheEntry, encodeCacheEntry } from '../cache/entry-codec.js';
export { cacheKey, canonicalJson, embeddingCacheKey } from '../cache/key.js';
export {
  type RedisConnection,
  RedisStore,
  type RedisStoreOptions,
} from '../cache/redis-store.js';
export type {
  CacheControls,
  CacheEntry,
  CacheStore,
  CompletionCacheEntry,
  EmbeddingCacheEntry,
} from '../cache/types.js';
export type { Middleware, Next } from '../call/middleware.js';
export type { CallbackErrorInfo } from '../client/options.js';
export type {
  CompletionOptions,
  EmbeddingOptions,
  EmbeddingParams,
  UnchangedCallOptions,
} from '../client/params.js';
export type {
  AttemptFailure,
  AttemptFailureListener,
  AttemptLayerOptions,
  AttemptRoute,
  Attempts,
  CallKind,
  CompletionContext,
  Context,
  ContextBase,
  EmbeddingContext,
  StreamRecovery,
} from '../context/context.js';
export type { Fallbacks, FallbackTarget } from '../context/resilience-types.js';
export type {
  CacheStatus,
  CallOptions,
  CallStatus,
  ChunkListener,
  ContextState,
  EndListener,
  Metadata,
  MockResponse,
  ProviderRequest,
  ProviderResponse,
  Timings,
} from '../context/types.js';
export { type PricedCall, priceCall } from '../cost/call-cost.js';
export { estimatePromptTokens } from '../cost/estimate.js';
export { formatUsd } from '../cost/format-usd.js';
export { PriceBook, type PriceInput } from '../cost/price-book.js';
export type { CallCost, CostBreakdown } from '../cost/types.js';
export { embeddingItems } from '../embedding/items.js';
export { estimateTokens as estimateEmbeddingTokens } from '../embedding/send.js';
export { encodeVector, fromBase64, type RawVector, toBase64 } from '../embedding/vectors.js';
export * from '../errors/index.js';
export {
  CustomLogger,
  type CustomLoggerHook,
  type ProxyCallType,
  type ProxyHook,
  type ProxyRequestData,
  type UserApiKeyDict,
} from '../legacy/custom-logger.js';
export type { CallbackKwargs, LogEventType } from '../legacy/kwargs.js';
export type { CallbackFunction, CallbackSource, LegacyCallback } from '../legacy/types.js';
export {
  assertInstalled,
  importOptional,
  isInstalled,
  type OptionalPackage,
  requireOptional,
} from '../optional/optional-package.js';
export type { ProviderOptions, ResolvedProvider } from '../providers/provider.js';
export { attemptRecordOf, callRecordOf } from '../record/build-record.js';
export type { RedactionPolicy } from '../record/redact.js';
export {
  type Adoptable,
  isAdoptable,
  type Reporter,
  Reporters,
} from '../record/reporters.js';
export { CALL_RECORD_VERSION, type CallRecord, callRecordSchema } from '../record/schema.js';
export {
  createSink,
  type DeadlineOptions,
  type Sink,
  type SinkOptions,
} from '../record/sink.js';
export { type HeaderValue, Secret, showHeaders } from '../secrets/secret.js';
export {
  cacheEntryProblem as checkCacheEntry,
  embeddingEntryProblem as checkEmbeddingCacheEntry,
} from '../shapes/check.js';
export type { CompletionStream } from '../stream/completion-stream.js';
export { completionToChunks } from '../stream/to-chunks.js';
export { sharedAgent } from '../transport/agent.js';
export { flattenHeaders } from '../transport/headers.js';
export { parseRetryAfter } from '../transport/retry-after.js';
export type * from '../types/embedding.js';
export type * from '../types/openai.js';
export { describeValue } from '../validation/describe-value.js';
export { CALL_OPTION_NAMES } from '../validation/param-names.js';
export { answer, answerEmbeddings, answerWithChunks } from './answer.js';
export { runsAttempts } from './attempts.js';
export { type BackoffSettings, backoffDelay, type SleepOptions, sleep } from './backoff.js';
export { asShallotError } from './errors.js';
export { optionError } from './options.js';
export { maskSecrets, secretsOf } from './secrets.js';
export { StoreGuard } from './store-guard.js';
