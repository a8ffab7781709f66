/**
 * shallot: every LLM completion call runs through a Koa-style onion of middleware.
 *
 * This file is the composition root: it assembles the default client from the core in
 * `src/` and the built-in middleware in `middleware/`, and is the package's public face.
 */
import { createClient } from './src/client/client.js';

export type { Middleware, Next } from './src/call/middleware.js';
export { Client, createClient } from './src/client/client.js';
export type {
  CallbackErrorHandler,
  CallbackErrorInfo,
  ClientOptions,
} from './src/client/options.js';
export type { CompletionOptions, CompletionParams, StreamingParams } from './src/client/params.js';
export type { Context } from './src/context/context.js';
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
} from './src/context/types.js';
export * from './src/errors/index.js';
export type { ProviderOptions, ResolvedProvider } from './src/providers/provider.js';
export { maskHeaders, maskSecret } from './src/secrets/mask.js';
export { Secret } from './src/secrets/secret.js';
export { CompletionStream } from './src/stream/completion-stream.js';
export type * from './src/types/openai.js';

/**
 * The ready-made client, as `litellm` is in Python: `await shallot.completion({...})`.
 *
 * @example
 * import shallot from 'shallot';
 * const answer = await shallot.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'Hi!' });
 */
const shallot = createClient();
export default shallot;
