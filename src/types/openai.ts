/**
 * OpenAI Chat Completions wire types: shallot's lingua franca. Every provider is translated
 * to and from these shapes, so field names stay snake_case as on the wire.
 *
 * Providers add fields often; every object type here is open to unknown fields, which are
 * kept as they arrive.
 */

/** A JSON value, as sent or received on the wire. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

/** A plain JSON object. */
export type JsonObject = { [key: string]: JsonValue | undefined };

/** A text part of a message's content. */
export interface TextContentPart {
  type: 'text';
  text: string;
}

/** An image part of a user message: an https URL or a `data:image/...;base64,` URL. */
export interface ImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** An audio part of a user message. */
export interface AudioContentPart {
  type: 'input_audio';
  input_audio: { data: string; format: string };
}

/** A file part of a user message. */
export interface FileContentPart {
  type: 'file';
  file: { file_id?: string; file_data?: string; filename?: string };
}

/** Any part of a user message's content. */
export type ContentPart = TextContentPart | ImageContentPart | AudioContentPart | FileContentPart;

/** A tool call the model made, as it appears in an assistant message. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: {
    name: string;
    /** A string holding JSON; it may be invalid when the output was cut (`finish_reason: 'length'`). */
    arguments: string;
  };
}

/** A system or developer instruction. */
export interface SystemMessage {
  role: 'system' | 'developer';
  content: string | TextContentPart[];
  name?: string;
}

/** A user turn. */
export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}

/** An assistant turn, possibly with tool calls. */
export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextContentPart[] | null;
  tool_calls?: ToolCall[];
  refusal?: string | null;
  name?: string;
}

/** The result of one tool call, answering the assistant turn that made it. */
export interface ToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string | TextContentPart[];
}

/** The deprecated `function` role, kept so old transcripts still validate. */
export interface FunctionMessage {
  role: 'function';
  name: string;
  content: string | null;
}

/** One message of a conversation. */
export type ChatMessage =
  | SystemMessage
  | UserMessage
  | AssistantMessage
  | ToolMessage
  | FunctionMessage;

/** The roles a message may have. */
export type ChatRole = ChatMessage['role'];

/**
 * A message as it is often declared before the call, where TypeScript widens every literal to
 * `string`: `const messages = [{ role: 'user', content: 'Hi' }]` has `role: string`, which no
 * member of {@link ChatMessage} takes. `completion()` accepts it and checks the role (and the
 * rest) when it is called: a role that is not a {@link ChatRole} is a `ValidationError` naming
 * `messages[i].role`, before any network call. Declare `ChatMessage[]` to have `tsc` check them.
 */
export interface WidenedChatMessage {
  role: string;
  content: string | null | Array<{ type: string; [field: string]: unknown }>;
  name?: string;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  refusal?: string | null;
}

/** What `completion()` takes as a message: a {@link ChatMessage}, or one declared with widened types. */
export type ChatMessageInput = ChatMessage | WidenedChatMessage;

/** A function the model may call. */
export interface FunctionTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** A JSON Schema for the arguments. */
    parameters?: JsonObject;
    strict?: boolean;
  };
}

/** How the model chooses tools. */
export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } };

/** The output format. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: JsonObject; strict?: boolean; description?: string };
    };

/**
 * The OpenAI request parameters shallot knows by name, with `Messages` as the messages' type.
 * {@link ChatRequest} (`ctx.request`) and `CompletionParams` add the parameters it does not.
 */
export interface ChatRequestFields<Messages> {
  /** `provider/model` (`openai/gpt-4o-mini`) or a bare model name. */
  model: string;
  messages: Messages;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  n?: number;
  stop?: string | string[];
  seed?: number;
  user?: string;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  presence_penalty?: number;
  frequency_penalty?: number;
  logit_bias?: Record<string, number>;
  logprobs?: boolean;
  top_logprobs?: number;
  reasoning_effort?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean; include_obfuscation?: boolean };
}

/**
 * The OpenAI request parameters shallot understands, as `ctx.request` holds them. Unknown
 * parameters are passed to the provider unchanged, so provider-specific options (`top_k`,
 * `reasoning_effort`, ...) work.
 */
export interface ChatRequest extends ChatRequestFields<ChatMessage[]> {
  [param: string]: unknown;
}

/**
 * The request part of `completion()`'s parameters. Unknown parameters pass to the provider
 * unchanged; they are snake_case, as every provider's are (Gemini's own are declared in
 * {@link GeminiNativeParams}), so the index signature takes lowercase names only: `tsc`
 * refuses a camelCase typo of one of shallot's options (`numRetry`) or of a parameter
 * (`maxTokens`). `messages` may be declared with widened types or as a readonly array.
 */
export interface CompletionRequest extends ChatRequestFields<readonly ChatMessageInput[]> {
  [param: Lowercase<string>]: unknown;
}

/**
 * Gemini's own request fields, in its camelCase, which shallot passes to Gemini as they are
 * (see the Gemini provider); other providers refuse them.
 */
export interface GeminiNativeParams {
  safetySettings?: JsonValue;
  toolConfig?: JsonValue;
  cachedContent?: string;
  generationConfig?: JsonObject;
  thinkingConfig?: JsonObject;
  topK?: number;
  responseModalities?: string[];
  mediaResolution?: string;
  speechConfig?: JsonObject;
  imageConfig?: JsonObject;
}

/** Token usage, OpenAI's shape. `cached_tokens` is part of `prompt_tokens`, `reasoning_tokens` of `completion_tokens`. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    cache_write_tokens?: number;
    audio_tokens?: number;
    [detail: string]: number | undefined;
  };
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
    [detail: string]: number | undefined;
  };
  [field: string]: unknown;
}

/**
 * Why the model stopped. Providers' own values are mapped to OpenAI's, plus `error` (the
 * provider failed mid-answer: DeepSeek's `insufficient_system_resource`, Gemini's
 * `MALFORMED_FUNCTION_CALL`) and `other` (anything unknown); the provider's own value is kept
 * in the choice's `provider_finish_reason`.
 */
export type FinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'function_call'
  | 'error'
  | 'other';

/** The assistant message of a completed choice. */
export interface ResponseMessage {
  role: 'assistant';
  content: string | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  /** Reasoning text, where the provider shows it (Anthropic thinking, DeepSeek, Gemini thought summaries). */
  reasoning_content?: string;
  [field: string]: unknown;
}

/** One choice of a `chat.completion`. */
export interface Choice {
  index: number;
  message: ResponseMessage;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

/** A complete answer: OpenAI's `chat.completion` object. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Choice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

/** A tool-call fragment inside a streamed delta. Only the first fragment of a call has `id` and `name`. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** What one streamed chunk adds to a choice. */
export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallDelta[];
  /** A piece of reasoning text, where the provider streams it. */
  reasoning_content?: string;
  [field: string]: unknown;
}

/** One choice inside a streamed chunk. */
export interface ChunkChoice {
  index: number;
  delta: ChunkDelta;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

/** One streamed piece: OpenAI's `chat.completion.chunk`. The usage chunk has `choices: []`. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}
