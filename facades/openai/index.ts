/**
 * `shallot/openai`: openai-node's client surface with shallot's onion underneath. Change the
 * import, keep the code: `import OpenAI from 'shallot/openai'`. Chat completions (plain,
 * streamed, and the `stream()` helper), embeddings and the model list run through a shallot
 * client; errors are openai-node's classes, each keeping shallot's error as `cause`. What is
 * covered and what is not: `docs/openai-facade.md`.
 */
export type { ChatCompletionStream } from './chat-completion-stream.js';
export type { Chat, Completions } from './chat-completions.js';
export type { OpenAIOptions as ClientOptions, OpenAIOptions } from './client-options.js';
export type { Embeddings } from './embeddings.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type FacadeErrorOptions,
  InternalServerError,
  NotFoundError,
  OpenAIError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './errors.js';
export type { HeadersInput } from './headers.js';
export type { ModelSource, Models, ModelsPage, ModelsPagePromise } from './models.js';
export { OpenAI } from './openai.js';
export type { RequestOptions } from './request-options.js';
export { Stream } from './stream.js';
export type { ChatCompletionStreamEvents } from './stream-events.js';
export type * from './types.js';

import { OpenAI } from './openai.js';

export default OpenAI;
