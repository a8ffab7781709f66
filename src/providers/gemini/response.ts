import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import type { ChatCompletion, Choice, FinishReason, ToolCall } from '../../types/openai.js';
import type { ResolvedProvider } from '../provider.js';
import { nowSeconds } from '../shared/chunks.js';
import { newToolCallId } from '../shared/content.js';
import { toOpenAIUsage } from '../shared/usage.js';
import type { GeminiCandidate, GeminiPart, GeminiResponse, SignedToolCall } from './wire.js';

/** A tool call in OpenAI's shape, with the Gemini signature to send back with it. */
export type GeminiToolCall = ToolCall & SignedToolCall;

/** What a candidate's parts say, sorted by kind. */
export interface CandidateParts {
  /** The answer's text parts, joined. */
  text: string;
  /** Whether any non-thought text part was present (even an empty one). */
  hasText: boolean;
  /** Thought-summary parts (`thought: true`), joined. */
  reasoning: string;
  toolCalls: GeminiToolCall[];
}

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

const FAILED = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

/**
 * Gemini's `finishReason` in OpenAI's vocabulary. A function call finishes with `STOP`, so
 * `calledFunction` turns that into `tool_calls`; unknown values are `other`.
 */
export function toFinishReason(raw: string, calledFunction: boolean): FinishReason {
  if (raw === 'STOP') return calledFunction ? 'tool_calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(raw)) return 'content_filter';
  if (FAILED.has(raw)) return 'error';
  return 'other';
}

/** Sorts a candidate's parts into answer text, thought text and tool calls. */
export function readParts(parts: readonly GeminiPart[] | undefined): CandidateParts {
  const read: CandidateParts = { text: '', hasText: false, reasoning: '', toolCalls: [] };
  for (const part of parts ?? []) {
    if (part.functionCall !== undefined) {
      read.toolCalls.push(toToolCall(part));
    } else if (typeof part.text === 'string') {
      if (part.thought === true) {
        read.reasoning += part.text;
      } else {
        read.text += part.text;
        read.hasText = true;
      }
    }
  }
  return read;
}

function toToolCall(part: GeminiPart): GeminiToolCall {
  const call = part.functionCall ?? {};
  const toolCall: GeminiToolCall = {
    id: typeof call.id === 'string' && call.id !== '' ? call.id : newToolCallId(),
    type: 'function',
    function: {
      name: typeof call.name === 'string' ? call.name : '',
      arguments: JSON.stringify(call.args ?? {}),
    },
  };
  if (typeof part.thoughtSignature === 'string') toolCall.thought_signature = part.thoughtSignature;
  return toolCall;
}

/**
 * A `GenerateContentResponse` as a `chat.completion`: one choice per candidate. A prompt
 * blocked before any candidate becomes one empty choice finished by `content_filter`.
 */
export function toChatCompletion(body: unknown, provider: ResolvedProvider): ChatCompletion {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw notAResponse(provider, body);
  }
  const response = body as GeminiResponse;
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  const blockReason = response.promptFeedback?.blockReason;
  if (candidates.length === 0 && typeof blockReason !== 'string') {
    throw notAResponse(provider, body);
  }
  const choices =
    candidates.length > 0 ? candidates.map(toChoice) : [blockedChoice(blockReason as string)];
  const completion: ChatCompletion = {
    id: responseIdOf(response),
    object: 'chat.completion',
    created: nowSeconds(),
    model: typeof response.modelVersion === 'string' ? response.modelVersion : provider.model,
    choices,
  };
  const usage = toOpenAIUsage(response.usageMetadata);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}

/** The response's id, or a generated one in OpenAI's style. */
export function responseIdOf(response: GeminiResponse): string {
  if (typeof response.responseId === 'string' && response.responseId !== '') {
    return response.responseId;
  }
  return `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;
}

/** The one choice of a prompt Gemini blocked before answering. */
function blockedChoice(blockReason: string): Choice {
  return {
    index: 0,
    message: { role: 'assistant', content: null },
    finish_reason: 'content_filter',
    logprobs: null,
    provider_finish_reason: blockReason,
  };
}

function toChoice(candidate: GeminiCandidate, position: number): Choice {
  const parts = readParts(candidate.content?.parts);
  const calledFunction = parts.toolCalls.length > 0;
  const message: Choice['message'] = {
    role: 'assistant',
    // OpenAI's shape: no text next to tool calls, or no text part at all, is `null`.
    content: parts.text === '' && (calledFunction || !parts.hasText) ? null : parts.text,
  };
  if (parts.reasoning !== '') message.reasoning_content = parts.reasoning;
  if (calledFunction) message.tool_calls = parts.toolCalls;
  const raw = candidate.finishReason;
  const choice: Choice = {
    index: candidate.index ?? position,
    message,
    finish_reason: typeof raw === 'string' ? toFinishReason(raw, calledFunction) : null,
    logprobs: null,
  };
  if (typeof raw === 'string') choice.provider_finish_reason = raw;
  return choice;
}

function notAResponse(provider: ResolvedProvider, body: unknown): InvalidResponseError {
  return new InvalidResponseError({
    provider: provider.name,
    model: provider.model,
    body,
    message: `${provider.name}/${provider.model}: the response is not a GenerateContentResponse (no candidates and no promptFeedback.blockReason).`,
  });
}
