import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import type { ChatCompletion, Choice, FinishReason, ToolCall, Usage } from '../../types/openai.js';
import type { ResolvedProvider } from '../provider.js';
import { nowSeconds } from '../shared/chunks.js';
import { toOpenAIUsage } from '../shared/usage.js';

/** A block of an Anthropic message's `content`, as far as shallot reads it. */
interface ContentBlock {
  type?: unknown;
  text?: unknown;
  id?: unknown;
  name?: unknown;
  input?: unknown;
  thinking?: unknown;
  signature?: unknown;
  data?: unknown;
}

/** An extended-thinking block kept for the next turn, named as LiteLLM names it. */
export type ThinkingBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

/** Anthropic's `stop_reason` values, by the OpenAI finish reason each one means. */
const FINISH_REASONS = new Map<string, FinishReason>([
  ['end_turn', 'stop'],
  ['stop_sequence', 'stop'],
  ['max_tokens', 'length'],
  ['model_context_window_exceeded', 'length'],
  ['tool_use', 'tool_calls'],
  ['refusal', 'content_filter'],
  // A paused server-tool turn: the caller sends the answer back to let it continue.
  ['pause_turn', 'other'],
]);

/** The OpenAI finish reason for an Anthropic `stop_reason`; `other` for a value not known yet. */
export function finishReasonOf(stopReason: string): FinishReason {
  return FINISH_REASONS.get(stopReason) ?? 'other';
}

/**
 * Anthropic usage in OpenAI's shape. `input_tokens` excludes cache reads and writes; the
 * shared rules add them back. The cache field is defaulted so that a usage object carrying
 * only `output_tokens_details` is still read by Anthropic's rules, not the Responses API's.
 */
export function anthropicUsage(native: unknown): Usage | undefined {
  if (native === null || typeof native !== 'object') return undefined;
  return toOpenAIUsage({ cache_read_input_tokens: 0, ...native });
}

/** A thinking or redacted-thinking block as it must go back to Anthropic; undefined otherwise. */
export function thinkingBlockOf(block: ContentBlock): ThinkingBlock | undefined {
  if (block.type === 'thinking') {
    return {
      type: 'thinking',
      thinking: typeof block.thinking === 'string' ? block.thinking : '',
      signature: typeof block.signature === 'string' ? block.signature : '',
    };
  }
  if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
    return { type: 'redacted_thinking', data: block.data };
  }
  return undefined;
}

/**
 * A `chat.completion` from an Anthropic `message`: text blocks joined into `content`,
 * `tool_use` blocks as tool calls, thinking as `reasoning_content` plus `thinking_blocks`
 * (with signatures) to send back on the next turn. Server-tool blocks are not carried over.
 */
export function parseAnthropicMessage(body: unknown, provider: ResolvedProvider): ChatCompletion {
  const message = body as {
    id?: unknown;
    model?: unknown;
    content?: unknown;
    stop_reason?: unknown;
    usage?: unknown;
  } | null;
  if (message === null || typeof message !== 'object' || !Array.isArray(message.content)) {
    throw new InvalidResponseError({
      provider: provider.name,
      model: provider.model,
      body,
      message: `${provider.name}/${provider.model}: the response is not an Anthropic message (no content array).`,
    });
  }
  let text: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of message.content as ContentBlock[]) {
    if (block === null || typeof block !== 'object') continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      text = (text ?? '') + block.text;
    } else if (block.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id ?? ''),
        type: 'function',
        function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
      });
    } else {
      const thinking = thinkingBlockOf(block);
      if (thinking === undefined) continue;
      thinkingBlocks.push(thinking);
      if (thinking.type === 'thinking') reasoning = (reasoning ?? '') + thinking.thinking;
    }
  }
  const responseMessage: Choice['message'] = {
    role: 'assistant',
    content: text ?? (toolCalls.length > 0 ? null : ''),
  };
  if (toolCalls.length > 0) responseMessage.tool_calls = toolCalls;
  if (reasoning !== null) responseMessage.reasoning_content = reasoning;
  if (thinkingBlocks.length > 0) responseMessage.thinking_blocks = thinkingBlocks;
  const choice: Choice = {
    index: 0,
    message: responseMessage,
    finish_reason: null,
    logprobs: null,
  };
  if (typeof message.stop_reason === 'string') {
    choice.finish_reason = finishReasonOf(message.stop_reason);
    choice.provider_finish_reason = message.stop_reason;
  }
  const completion: ChatCompletion = {
    id: typeof message.id === 'string' ? message.id : '',
    object: 'chat.completion',
    created: nowSeconds(),
    model: typeof message.model === 'string' ? message.model : provider.model,
    choices: [choice],
  };
  const usage = anthropicUsage(message.usage);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}
