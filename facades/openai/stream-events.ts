import type { BaseEvents, ParametersOf } from './event-stream.js';
import type { ChoiceSnapshot, Snapshot } from './snapshot.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessage,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionSnapshot,
  ChatCompletionStreamParams,
  CompletionUsage,
  ContentDeltaEvent,
  ContentDoneEvent,
  FunctionToolCallArgumentsDeltaEvent,
  FunctionToolCallArgumentsDoneEvent,
  RefusalDeltaEvent,
  RefusalDoneEvent,
} from './types.js';

/** The events of a `ChatCompletionStream`, as openai-node names them (its `logprobs.*` events left out). */
export interface ChatCompletionStreamEvents extends BaseEvents {
  /** Every chunk, with the answer so far. */
  chunk: (chunk: ChatCompletionChunk, snapshot: ChatCompletionSnapshot) => void;
  /** New text, and the text so far. */
  content: (delta: string, snapshot: string) => void;
  'content.delta': (event: ContentDeltaEvent) => void;
  /** The text is complete (`parsed` is always null: no schema helpers). */
  'content.done': (event: ContentDoneEvent) => void;
  'refusal.delta': (event: RefusalDeltaEvent) => void;
  'refusal.done': (event: RefusalDoneEvent) => void;
  /** A fragment of a tool call's arguments (`parsed_arguments` is null: no partial JSON parsing). */
  'tool_calls.function.arguments.delta': (event: FunctionToolCallArgumentsDeltaEvent) => void;
  /** A tool call's arguments are complete; parsed for a `strict` tool. */
  'tool_calls.function.arguments.done': (event: FunctionToolCallArgumentsDoneEvent) => void;
  chatCompletion: (completion: ChatCompletion) => void;
  message: (message: ChatCompletionMessageParam) => void;
  functionToolCall: (call: ChatCompletionMessageFunctionToolCall.Function) => void;
  finalChatCompletion: (completion: ChatCompletion) => void;
  finalMessage: (message: ChatCompletionMessage) => void;
  finalContent: (content: string) => void;
  finalFunctionToolCall: (call: ChatCompletionMessageFunctionToolCall.Function) => void;
  totalUsage: (usage: CompletionUsage) => void;
}

/** Emits one event with its arguments. */
export type Emit = <Event extends keyof ChatCompletionStreamEvents>(
  event: Event,
  ...args: ParametersOf<ChatCompletionStreamEvents, Event>
) => void;

/** What each choice has already announced as done. */
interface ChoiceEvents {
  contentDone: boolean;
  refusalDone: boolean;
  /** The tool call being streamed, whose `done` comes when another starts or the choice finishes. */
  currentToolCall: number | undefined;
  doneToolCalls: Set<number>;
}

/** The per-choice state of a stream's events. */
export interface StreamEventState {
  choices: ChoiceEvents[];
}

/**
 * Emits the events one chunk makes, after it was added to the snapshot, in openai-node's
 * order: the text and refusal deltas, then what the chunk completed (the text when a tool call
 * starts or the choice finishes; a tool call when the next starts or the choice finishes),
 * then the tool-call argument deltas.
 */
export function emitChunkEvents(
  chunk: ChatCompletionChunk,
  snapshot: Snapshot,
  state: StreamEventState,
  params: ChatCompletionStreamParams,
  emit: Emit,
): void {
  chunk.choices.forEach((part, position) => {
    const at = typeof part.index === 'number' ? part.index : position;
    const choice = snapshot.choices[at];
    if (choice === undefined) return;
    const delta = part.delta ?? {};
    const message = choice.message;
    if (typeof delta.content === 'string' && message.role === 'assistant' && message.content) {
      emit('content', delta.content, message.content);
      emit('content.delta', { delta: delta.content, snapshot: message.content, parsed: null });
    }
    if (typeof delta.refusal === 'string' && message.role === 'assistant' && message.refusal) {
      emit('refusal.delta', { delta: delta.refusal, snapshot: message.refusal });
    }
    const events = choiceEvents(state, at);
    const calls = delta.tool_calls ?? [];
    if (choice.finish_reason) {
      emitTextDone(choice, events, emit);
      if (events.currentToolCall !== undefined) {
        emitToolCallDone(choice, events, events.currentToolCall, params, emit);
      }
    }
    calls.forEach((call, order) => {
      const index = typeof call.index === 'number' ? call.index : order;
      if (events.currentToolCall !== index) {
        emitTextDone(choice, events, emit);
        if (events.currentToolCall !== undefined) {
          emitToolCallDone(choice, events, events.currentToolCall, params, emit);
        }
      }
      events.currentToolCall = index;
    });
    calls.forEach((call, order) => {
      const index = typeof call.index === 'number' ? call.index : order;
      const whole = message.tool_calls?.[index];
      if (whole?.type !== 'function' || whole.function === undefined) return;
      emit('tool_calls.function.arguments.delta', {
        name: whole.function.name,
        index,
        arguments: whole.function.arguments,
        parsed_arguments: null,
        arguments_delta: call.function?.arguments ?? '',
      });
    });
  });
}

function choiceEvents(state: StreamEventState, at: number): ChoiceEvents {
  let events = state.choices[at];
  if (events === undefined) {
    events = {
      contentDone: false,
      refusalDone: false,
      currentToolCall: undefined,
      doneToolCalls: new Set(),
    };
    state.choices[at] = events;
  }
  return events;
}

function emitTextDone(choice: ChoiceSnapshot, events: ChoiceEvents, emit: Emit): void {
  const { content, refusal } = choice.message;
  if (content && !events.contentDone) {
    events.contentDone = true;
    emit('content.done', { content, parsed: null });
  }
  if (refusal && !events.refusalDone) {
    events.refusalDone = true;
    emit('refusal.done', { refusal });
  }
}

function emitToolCallDone(
  choice: ChoiceSnapshot,
  events: ChoiceEvents,
  index: number,
  params: ChatCompletionStreamParams,
  emit: Emit,
): void {
  if (events.doneToolCalls.has(index)) return;
  events.doneToolCalls.add(index);
  const call = choice.message.tool_calls?.[index];
  if (call?.type !== 'function' || call.function === undefined) return;
  const { name, arguments: text } = call.function;
  emit('tool_calls.function.arguments.done', {
    name,
    index,
    arguments: text,
    parsed_arguments: isStrictTool(params, name) ? parsedOrNull(text) : null,
  });
}

/** Whether the request declared this function with `strict: true`, whose arguments openai-node parses. */
function isStrictTool(params: ChatCompletionStreamParams, name: string): boolean {
  const tools = Array.isArray(params.tools) ? params.tools : [];
  return tools.some(
    (tool) =>
      tool.type === 'function' && tool.function.name === name && tool.function.strict === true,
  );
}

/** The arguments parsed, or null for text that is not JSON (openai-node would end the stream). */
function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
