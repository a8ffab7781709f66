import { randomUUID } from 'node:crypto';
import { OpenAIError } from './errors.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionSnapshot } from './types.js';

/** A tool call as a snapshot builds it. */
export interface ToolCallSnapshot {
  id?: string;
  type?: 'function';
  function?: { name: string; arguments: string };
  [field: string]: unknown;
}

/** A choice's message as a snapshot builds it. */
export interface MessageSnapshot {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallSnapshot[];
  function_call?: { name?: string; arguments?: string };
  [field: string]: unknown;
}

/** A choice as a snapshot builds it. */
export interface ChoiceSnapshot {
  index: number;
  finish_reason: string | null;
  logprobs: { content?: unknown[] | null; refusal?: unknown[] | null } | null;
  message: MessageSnapshot;
  [field: string]: unknown;
}

/** The answer so far, as openai-node's `ChatCompletionSnapshot` holds it. */
export interface Snapshot {
  id: string;
  created: number;
  model: string;
  choices: ChoiceSnapshot[];
  [field: string]: unknown;
}

type LooseChunk = Record<string, unknown> & { choices: Array<Record<string, unknown>> };

/**
 * Adds a chunk to the answer so far (made from it when there is none yet), as openai-node's
 * `ChatCompletionStream` does: text and refusals appended, tool calls kept by their `index`
 * with argument fragments appended, the last finish reason, the other fields of the latest
 * chunk. Keys named `__proto__` are skipped: they come from the wire.
 */
export function accumulate(snapshot: Snapshot | undefined, chunk: ChatCompletionChunk): Snapshot {
  const { choices, ...rest } = chunk as unknown as LooseChunk;
  const current: Snapshot = snapshot ?? ({ ...rest, choices: [] } as unknown as Snapshot);
  if (snapshot !== undefined && chunk.id) copyFields(current, rest);
  choices.forEach((part, position) => {
    const { delta, finish_reason, index, logprobs, ...other } = part;
    const at = typeof index === 'number' ? index : position;
    let choice = current.choices[at];
    if (choice === undefined) {
      choice = { ...other, index: at, finish_reason: null, logprobs: null, message: {} };
      current.choices[at] = choice;
    }
    copyFields(choice, other);
    if (typeof finish_reason === 'string') choice.finish_reason = finish_reason;
    if (logprobs !== null && typeof logprobs === 'object') addLogprobs(choice, logprobs as object);
    if (delta !== null && typeof delta === 'object')
      addDelta(choice.message, delta as Record<string, unknown>);
  });
  return current;
}

function addLogprobs(
  choice: ChoiceSnapshot,
  logprobs: { content?: unknown; refusal?: unknown },
): void {
  choice.logprobs ??= {};
  for (const kind of ['content', 'refusal'] as const) {
    const entries = logprobs[kind];
    if (Array.isArray(entries))
      choice.logprobs[kind] = [...(choice.logprobs[kind] ?? []), ...entries];
  }
}

function addDelta(message: MessageSnapshot, delta: Record<string, unknown>): void {
  const { content, refusal, role, tool_calls, function_call, ...rest } = delta;
  copyFields(message, rest);
  if (typeof role === 'string') message.role = role;
  if (typeof content === 'string' && content !== '')
    message.content = (message.content ?? '') + content;
  if (typeof refusal === 'string' && refusal !== '')
    message.refusal = (message.refusal ?? '') + refusal;
  if (function_call !== null && typeof function_call === 'object') {
    const { name, arguments: fragment } = function_call as { name?: unknown; arguments?: unknown };
    message.function_call ??= {};
    if (typeof name === 'string' && name !== '') message.function_call.name = name;
    if (typeof fragment === 'string')
      message.function_call.arguments = (message.function_call.arguments ?? '') + fragment;
  }
  if (Array.isArray(tool_calls)) addToolCalls(message, tool_calls);
}

function addToolCalls(message: MessageSnapshot, fragments: unknown[]): void {
  message.tool_calls ??= [];
  const calls = message.tool_calls;
  fragments.forEach((fragment, position) => {
    if (fragment === null || typeof fragment !== 'object') return;
    const { index, id, type, function: fn, ...rest } = fragment as Record<string, unknown>;
    const at = typeof index === 'number' ? index : position;
    let call = calls[at];
    if (call === undefined) {
      call = {};
      calls[at] = call;
    }
    copyFields(call, rest);
    if (typeof id === 'string' && id !== '') call.id = id;
    if (type === 'function') call.type = type;
    if (fn === null || typeof fn !== 'object') return;
    const { name, arguments: part } = fn as { name?: unknown; arguments?: unknown };
    call.function ??= { name: '', arguments: '' };
    if (typeof name === 'string' && name !== '') call.function.name = name;
    if (typeof part === 'string') call.function.arguments += part;
  });
}

/** Copies `source`'s fields onto `target`, but a `__proto__` key. */
function copyFields(target: object, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    if (key !== '__proto__') (target as Record<string, unknown>)[key] = source[key];
  }
}

/**
 * The finished `chat.completion`, as openai-node's `finalChatCompletion()` makes it: each
 * choice's message with `content` and `refusal` null when none came, a tool call without an id
 * given one. @throws OpenAIError for a choice without a finish reason or a role, as openai-node.
 */
export function finalize(snapshot: Snapshot): ChatCompletion {
  const { id, choices, created, model, system_fingerprint, ...rest } = snapshot;
  return {
    ...rest,
    id,
    created,
    model,
    object: 'chat.completion',
    choices: choices.map(finalChoice),
    ...(system_fingerprint ? { system_fingerprint } : {}),
  } as unknown as ChatCompletion;
}

function finalChoice(choice: ChoiceSnapshot) {
  const { message, finish_reason, index, logprobs, ...rest } = choice;
  if (!finish_reason) throw new OpenAIError(`missing finish_reason for choice ${index}`);
  if (!message.role) throw new OpenAIError(`missing role for choice ${index}`);
  const { content = null, refusal = null, tool_calls, ...messageRest } = message;
  // `parsed` is what openai-node's helper adds to every message: null without a schema helper.
  const final = { ...messageRest, role: message.role, content, refusal, parsed: null };
  if (tool_calls !== undefined) {
    (final as MessageSnapshot).tool_calls = tool_calls.map((call, at) =>
      finalToolCall(call, index, at),
    );
  }
  return { ...rest, index, finish_reason, logprobs, message: final };
}

function finalToolCall(call: ToolCallSnapshot, choice: number, at: number) {
  const { id, type, function: fn, ...rest } = call;
  if (type === undefined || fn === undefined || fn.name === '') {
    throw new OpenAIError(`missing choices[${choice}].tool_calls[${at}].function.name or type`);
  }
  return { ...rest, id: id || `call_${randomUUID()}`, type, function: fn };
}

/** The snapshot with openai-node's type, for events and `currentChatCompletionSnapshot`. */
export function asOpenAISnapshot(snapshot: Snapshot): ChatCompletionSnapshot {
  return snapshot as unknown as ChatCompletionSnapshot;
}
