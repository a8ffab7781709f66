/**
 * The `openai` package's own types, which the facade is typed with (type imports only: the
 * facade never loads `openai` at run time; install it, as a dev dependency at least, for the
 * types).
 */

export type {
  ChatCompletionSnapshot,
  ChatCompletionStreamParams,
  ContentDeltaEvent,
  ContentDoneEvent,
  FunctionToolCallArgumentsDeltaEvent,
  FunctionToolCallArgumentsDoneEvent,
  RefusalDeltaEvent,
  RefusalDoneEvent,
} from 'openai/lib/ChatCompletionStream';
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessage,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionRole,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
export type { CompletionUsage } from 'openai/resources/completions';
export type {
  CreateEmbeddingResponse,
  Embedding,
  EmbeddingCreateParams,
} from 'openai/resources/embeddings';
export type { Model } from 'openai/resources/models';
