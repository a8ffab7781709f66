import { isPrototypeKey } from '../shapes/limits.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  Choice,
  FinishReason,
  ToolCall,
  ToolCallDelta,
  Usage,
} from '../types/openai.js';

interface ToolCallState {
  id: string;
  name: string;
  arguments: string;
  /** Fields a provider adds to a call (Gemini's `thought_signature`), kept for the next turn. */
  extra: Record<string, unknown> | null;
}

/** The fields of a tool-call fragment that the assembler folds; any other is kept as is. */
const TOOL_CALL_FIELDS = new Set(['index', 'id', 'type', 'function']);

interface ChoiceState {
  index: number;
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  /** Anthropic's thinking blocks, with their signatures, to send back on the next turn. */
  thinkingBlocks: unknown[] | null;
  toolCalls: ToolCallState[];
  /** The slot of the last tool call, for servers that omit `index` on later fragments. */
  lastToolSlot: number;
  finishReason: FinishReason | null;
  providerFinishReason: string | null;
  logprobs: unknown[] | null;
}

/**
 * Folds streamed chunks into one `chat.completion`: text and refusals concatenated, tool
 * calls keyed by their `index` with argument fragments concatenated, the last finish reason
 * and the last usage. Per-chunk work is a few string appends; `build()` runs once. Chunks
 * reach it checked (`src/shapes`): every index is a whole number within its bound.
 */
export class StreamAssembler {
  #id = '';
  #model = '';
  #created = 0;
  #fingerprint: string | null | undefined;
  #usage: Usage | undefined;
  #choices: ChoiceState[] = [];
  #chunkCount = 0;

  /** How many chunks were added. */
  get chunkCount(): number {
    return this.#chunkCount;
  }

  add(chunk: ChatCompletionChunk): void {
    this.#chunkCount++;
    // Azure's first chunk has an empty id and model: take the first real ones.
    if (this.#id === '' && chunk.id) this.#id = chunk.id;
    if (this.#model === '' && chunk.model) this.#model = chunk.model;
    if (this.#created === 0 && chunk.created) this.#created = chunk.created;
    if (chunk.system_fingerprint !== undefined) this.#fingerprint = chunk.system_fingerprint;
    // Usage can come on several chunks (running totals): the last value wins.
    if (chunk.usage) this.#usage = chunk.usage;
    const choices = chunk.choices;
    if (!choices) return;
    for (let position = 0; position < choices.length; position++) {
      const choice = choices[position];
      if (choice) this.#addChoice(choice.index ?? position, choice);
    }
  }

  #addChoice(index: number, choice: ChatCompletionChunk['choices'][number]): void {
    const state = this.#choice(index);
    const delta = choice.delta;
    if (delta) {
      if (typeof delta.content === 'string') state.content = (state.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
      if (typeof delta.reasoning_content === 'string') {
        state.reasoning = (state.reasoning ?? '') + delta.reasoning_content;
      }
      if (Array.isArray(delta.thinking_blocks)) {
        state.thinkingBlocks ??= [];
        state.thinkingBlocks.push(...delta.thinking_blocks);
      }
      if (delta.tool_calls) {
        for (const fragment of delta.tool_calls) this.#addToolCall(state, fragment);
      }
    }
    const logprobs = choice.logprobs as { content?: unknown[] } | null | undefined;
    if (logprobs?.content) {
      state.logprobs ??= [];
      state.logprobs.push(...logprobs.content);
    }
    if (choice.finish_reason) state.finishReason = choice.finish_reason;
    if (typeof choice.provider_finish_reason === 'string')
      state.providerFinishReason = choice.provider_finish_reason;
  }

  #choice(index: number): ChoiceState {
    let state = this.#choices[index];
    if (state === undefined) {
      state = {
        index,
        content: null,
        refusal: null,
        reasoning: null,
        thinkingBlocks: null,
        toolCalls: [],
        lastToolSlot: -1,
        finishReason: null,
        providerFinishReason: null,
        logprobs: null,
      };
      this.#choices[index] = state;
    }
    return state;
  }

  #addToolCall(state: ChoiceState, fragment: ToolCallDelta): void {
    let slot = fragment.index;
    if (typeof slot !== 'number') {
      // Some compatible servers omit `index`: a fragment with a new id starts a new call.
      const last = state.toolCalls[state.lastToolSlot];
      slot =
        last === undefined || (fragment.id && fragment.id !== last.id)
          ? state.toolCalls.length
          : state.lastToolSlot;
    }
    state.lastToolSlot = slot;
    let call = state.toolCalls[slot];
    if (call === undefined) {
      call = { id: '', name: '', arguments: '', extra: null };
      state.toolCalls[slot] = call;
    }
    if (fragment.id) call.id = fragment.id;
    for (const field of Object.keys(fragment)) {
      if (!TOOL_CALL_FIELDS.has(field) && !isPrototypeKey(field)) {
        call.extra ??= {};
        call.extra[field] = (fragment as unknown as Record<string, unknown>)[field];
      }
    }
    const fn = fragment.function;
    if (fn) {
      if (fn.name) call.name = fn.name;
      if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
    }
  }

  /** The assembled `chat.completion`. Call once, at the end of the stream or on failure. */
  build(): ChatCompletion {
    const choices: Choice[] = [];
    for (const state of this.#choices) {
      if (state !== undefined) choices.push(buildChoice(state));
    }
    const completion: ChatCompletion = {
      id: this.#id,
      object: 'chat.completion',
      created: this.#created,
      model: this.#model,
      choices,
    };
    if (this.#fingerprint !== undefined) completion.system_fingerprint = this.#fingerprint;
    if (this.#usage !== undefined) completion.usage = this.#usage;
    return completion;
  }
}

function buildChoice(state: ChoiceState): Choice {
  const toolCalls: ToolCall[] = [];
  for (const call of state.toolCalls) {
    if (call !== undefined) {
      toolCalls.push({
        ...call.extra,
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      });
    }
  }
  const message: Choice['message'] = { role: 'assistant', content: state.content };
  if (state.refusal !== null) message.refusal = state.refusal;
  if (state.reasoning !== null) message.reasoning_content = state.reasoning;
  if (state.thinkingBlocks !== null) message.thinking_blocks = state.thinkingBlocks;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const choice: Choice = {
    index: state.index,
    message,
    finish_reason: state.finishReason,
    logprobs: state.logprobs === null ? null : { content: state.logprobs },
  };
  if (state.providerFinishReason !== null)
    choice.provider_finish_reason = state.providerFinishReason;
  return choice;
}

/** Folds a whole list of chunks into the `chat.completion` they make. */
export function assembleChunks(chunks: readonly ChatCompletionChunk[]): ChatCompletion {
  const assembler = new StreamAssembler();
  for (const chunk of chunks) assembler.add(chunk);
  return assembler.build();
}
