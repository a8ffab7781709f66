import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import type { ChatCompletion, FinishReason, ToolCall, Usage } from '../../types/openai.js';
import type { ResolvedProvider } from '../provider.js';
import { nowSeconds } from '../shared/chunks.js';
import { newToolCallId } from '../shared/content.js';
import { toOpenAIUsage } from '../shared/usage.js';

/** A tool call as Ollama sends it: whole, with its arguments as an object. */
export interface OllamaToolCall {
  id?: string;
  function?: { index?: number; name?: string; arguments?: unknown };
}

/** A plain `/api/chat` answer, or one line of its NDJSON stream. */
export interface OllamaChatLine {
  model?: string;
  created_at?: string;
  message?: {
    role?: string;
    content?: string;
    thinking?: string;
    tool_calls?: OllamaToolCall[];
  };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: unknown;
}

/**
 * A plain `/api/chat` answer as a `chat.completion`: a new id (Ollama sends none), tool-call
 * arguments as JSON strings, the finish reason mapped and usage from the eval counts.
 */
export function parseOllamaResponse(body: unknown, provider: ResolvedProvider): ChatCompletion {
  const line = body as OllamaChatLine;
  const message = line?.message;
  if (message === null || typeof message !== 'object') {
    throw new InvalidResponseError({
      provider: provider.name,
      model: provider.model,
      body,
      message: `${provider.name}/${provider.model}: the response is not an /api/chat answer (no message object).`,
    });
  }
  const toolCalls = (message.tool_calls ?? []).map(toOpenAIToolCall);
  const text = typeof message.content === 'string' ? message.content : '';
  const choice: ChatCompletion['choices'][number] = {
    index: 0,
    message: {
      role: 'assistant',
      content: text === '' && toolCalls.length > 0 ? null : text,
    },
    finish_reason: finishReasonOf(line.done_reason, toolCalls.length > 0),
    logprobs: null,
  };
  if (typeof message.thinking === 'string' && message.thinking !== '') {
    choice.message.reasoning_content = message.thinking;
  }
  if (toolCalls.length > 0) choice.message.tool_calls = toolCalls;
  if (typeof line.done_reason === 'string') choice.provider_finish_reason = line.done_reason;
  const completion: ChatCompletion = {
    id: newCompletionId(),
    object: 'chat.completion',
    created: createdOf(line.created_at),
    model: line.model ?? provider.model,
    choices: [choice],
  };
  const usage = usageOf(line);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}

/** An id for a completion, which Ollama does not give: `chatcmpl-ollama-` and 24 random characters. */
export function newCompletionId(): string {
  return `chatcmpl-ollama-${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** Seconds since the epoch from Ollama's `created_at`, or now when it is missing or unreadable. */
export function createdOf(createdAt: string | undefined): number {
  const time = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  return Number.isFinite(time) && time > 0 ? Math.floor(time / 1000) : nowSeconds();
}

/**
 * Ollama's `done_reason` in OpenAI's words. Ollama says `stop` even after tool calls, so the
 * calls decide; `load` and `unload` answer requests that only load or unload a model.
 */
export function finishReasonOf(doneReason: string | undefined, sawTools: boolean): FinishReason {
  if (doneReason === undefined || doneReason === 'stop') return sawTools ? 'tool_calls' : 'stop';
  if (doneReason === 'length') return 'length';
  return 'other';
}

/**
 * Usage from the final object's counts. A fully cached prompt omits `prompt_eval_count`,
 * so a missing count is 0; Ollama reports no cached or reasoning tokens.
 */
export function usageOf(line: OllamaChatLine): Usage | undefined {
  return toOpenAIUsage({
    prompt_tokens: countOf(line.prompt_eval_count),
    completion_tokens: countOf(line.eval_count),
  });
}

/** An Ollama tool call in OpenAI's shape: an id when Ollama gave none, arguments as a JSON string. */
export function toOpenAIToolCall(call: OllamaToolCall): ToolCall {
  const fn = call.function ?? {};
  const args = fn.arguments;
  return {
    id: typeof call.id === 'string' && call.id !== '' ? call.id : newToolCallId(),
    type: 'function',
    function: {
      name: fn.name ?? '',
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    },
  };
}

function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
