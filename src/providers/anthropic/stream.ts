import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import { INDEX_LIMIT, isIndexBelow, isPrototypeKey } from '../../shapes/limits.js';
import type { ChatCompletionChunk, ChunkDelta } from '../../types/openai.js';
import type { ResolvedProvider, StreamDecoder, WireEvent } from '../provider.js';
import { makeChunk, nowSeconds, type StreamIdentity } from '../shared/chunks.js';
import { parseStreamObject } from '../shared/parse-object.js';
import { mapAnthropicError } from './errors.js';
import { anthropicUsage, finishReasonOf, thinkingBlockOf } from './response.js';

/** The fields of Anthropic stream events that the decoder reads. */
interface AnthropicEvent {
  type?: unknown;
  index?: unknown;
  message?: { id?: unknown; model?: unknown; usage?: unknown };
  content_block?: {
    type?: unknown;
    id?: unknown;
    name?: unknown;
    text?: unknown;
    thinking?: unknown;
    data?: unknown;
  };
  delta?: {
    type?: unknown;
    text?: unknown;
    partial_json?: unknown;
    thinking?: unknown;
    signature?: unknown;
    stop_reason?: unknown;
  };
  usage?: unknown;
}

/** A `tool_use` block in progress: its OpenAI tool-call index, and whether any argument text came. */
interface ToolBlock {
  toolIndex: number;
  sawArguments: boolean;
}

/** A `thinking` block in progress, gathered to hand back whole with its signature. */
interface ThinkingState {
  thinking: string;
  signature: string;
}

/**
 * Decodes Anthropic's named-event SSE into OpenAI chunks, by each payload's `type`:
 *
 * - `message_start` → the role chunk; its id, model and input usage are kept.
 * - a `tool_use` block's start → the tool call's first delta (id, name, `arguments: ''`);
 *   `input_json_delta` → argument fragments, under a running tool index (Anthropic's block
 *   index also counts text and thinking blocks). A call with no argument text gets `{}`.
 * - `text_delta` → `content`; `thinking_delta` → `reasoning_content`.
 * - a thinking block's end → one delta carrying `thinking_blocks: [{ type: 'thinking',
 *   thinking, signature }]`, the whole block as it must go back on the next turn (a
 *   redacted block is handed over at its start). `signature_delta` itself makes no chunk.
 * - `message_delta` → the finish chunk, with the usage of `message_start` overwritten field
 *   by field (Anthropic's figures are cumulative, never added).
 * - `message_stop` → the end; `event: error` → the mapped error; `ping` and unknown events
 *   are ignored. A stream that ends before `message_stop` is incomplete.
 */
export class AnthropicStreamDecoder implements StreamDecoder {
  done = false;
  readonly #provider: ResolvedProvider;
  readonly #identity: StreamIdentity;
  #usage: Record<string, unknown> = {};
  readonly #toolBlocks = new Map<number, ToolBlock>();
  readonly #thinkingBlocks = new Map<number, ThinkingState>();
  #toolCount = 0;

  constructor(provider: ResolvedProvider) {
    this.#provider = provider;
    this.#identity = { id: '', model: provider.model, created: nowSeconds() };
  }

  /** Only `message_stop` ends an Anthropic stream cleanly. */
  get complete(): boolean {
    return this.done;
  }

  decode(event: WireEvent): ChatCompletionChunk | undefined {
    const payload = this.#parse(event.data);
    switch (payload.type ?? event.event) {
      case 'message_start':
        return this.#start(payload);
      case 'content_block_start':
        return this.#blockStart(payload);
      case 'content_block_delta':
        return this.#blockDelta(payload);
      case 'content_block_stop':
        return this.#blockStop(payload);
      case 'message_delta':
        return this.#messageDelta(payload);
      case 'message_stop':
        this.done = true;
        return undefined;
      case 'error':
        throw mapAnthropicError({
          status: 0,
          body: payload,
          text: event.data,
          headers: {},
          provider: this.#provider.name,
          model: this.#provider.model,
          apiKeyEnv: this.#provider.apiKeyEnv,
        });
      default:
        return undefined;
    }
  }

  #start(payload: AnthropicEvent): ChatCompletionChunk {
    const message = payload.message ?? {};
    if (typeof message.id === 'string') this.#identity.id = message.id;
    if (typeof message.model === 'string') this.#identity.model = message.model;
    if (message.usage !== null && typeof message.usage === 'object') {
      this.#usage = { ...(message.usage as Record<string, unknown>) };
    }
    return this.#chunk({ role: 'assistant', content: '' });
  }

  #blockStart(payload: AnthropicEvent): ChatCompletionChunk | undefined {
    const block = payload.content_block ?? {};
    const index = this.#blockIndex(payload);
    if (block.type === 'tool_use') {
      const toolIndex = this.#toolCount++;
      this.#toolBlocks.set(index, { toolIndex, sawArguments: false });
      // The block's `input: {}` is a placeholder: the arguments come as input_json_delta.
      return this.#chunk({
        tool_calls: [
          {
            index: toolIndex,
            id: String(block.id ?? ''),
            type: 'function',
            function: { name: String(block.name ?? ''), arguments: '' },
          },
        ],
      });
    }
    if (block.type === 'thinking') {
      const thinking = typeof block.thinking === 'string' ? block.thinking : '';
      this.#thinkingBlocks.set(index, { thinking, signature: '' });
      return thinking === '' ? undefined : this.#chunk({ reasoning_content: thinking });
    }
    if (block.type === 'redacted_thinking') {
      const redacted = thinkingBlockOf(block);
      return redacted === undefined ? undefined : this.#chunk({ thinking_blocks: [redacted] });
    }
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return this.#chunk({ content: block.text });
    }
    return undefined;
  }

  #blockDelta(payload: AnthropicEvent): ChatCompletionChunk | undefined {
    const delta = payload.delta ?? {};
    const index = this.#blockIndex(payload);
    switch (delta.type) {
      case 'text_delta':
        return typeof delta.text === 'string' && delta.text !== ''
          ? this.#chunk({ content: delta.text })
          : undefined;
      case 'input_json_delta': {
        const tool = this.#toolBlocks.get(index);
        const fragment = delta.partial_json;
        // Server-tool blocks stream their input too; they are not the caller's tool calls.
        if (tool === undefined || typeof fragment !== 'string' || fragment === '') return undefined;
        tool.sawArguments = true;
        return this.#argumentsChunk(tool.toolIndex, fragment);
      }
      case 'thinking_delta': {
        if (typeof delta.thinking !== 'string' || delta.thinking === '') return undefined;
        const state = this.#thinkingBlocks.get(index);
        if (state !== undefined) state.thinking += delta.thinking;
        return this.#chunk({ reasoning_content: delta.thinking });
      }
      case 'signature_delta': {
        const state = this.#thinkingBlocks.get(index);
        if (state !== undefined && typeof delta.signature === 'string') {
          state.signature += delta.signature;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  #blockStop(payload: AnthropicEvent): ChatCompletionChunk | undefined {
    const index = this.#blockIndex(payload);
    const tool = this.#toolBlocks.get(index);
    if (tool !== undefined) {
      this.#toolBlocks.delete(index);
      // A call without arguments streams only `""`: `{}` keeps its arguments valid JSON.
      return tool.sawArguments ? undefined : this.#argumentsChunk(tool.toolIndex, '{}');
    }
    const thinking = this.#thinkingBlocks.get(index);
    if (thinking === undefined) return undefined;
    this.#thinkingBlocks.delete(index);
    return this.#chunk({
      thinking_blocks: [
        { type: 'thinking', thinking: thinking.thinking, signature: thinking.signature },
      ],
    });
  }

  #messageDelta(payload: AnthropicEvent): ChatCompletionChunk {
    const update = payload.usage;
    if (update !== null && typeof update === 'object') {
      for (const [field, value] of Object.entries(update)) {
        if (value !== null && value !== undefined && !isPrototypeKey(field)) {
          this.#usage[field] = value;
        }
      }
    }
    const stopReason = payload.delta?.stop_reason;
    const finish = typeof stopReason === 'string' ? finishReasonOf(stopReason) : null;
    const chunk = makeChunk(this.#identity, {}, finish, anthropicUsage(this.#usage));
    const choice = chunk.choices[0];
    if (choice !== undefined && typeof stopReason === 'string') {
      choice.provider_finish_reason = stopReason;
    }
    return chunk;
  }

  #argumentsChunk(toolIndex: number, fragment: string): ChatCompletionChunk {
    return this.#chunk({ tool_calls: [{ index: toolIndex, function: { arguments: fragment } }] });
  }

  #chunk(delta: ChunkDelta): ChatCompletionChunk {
    return makeChunk(this.#identity, delta);
  }

  /** A content block's index: a whole number below {@link INDEX_LIMIT}, or the stream is malformed. */
  #blockIndex(payload: AnthropicEvent): number {
    const index = payload.index;
    if (isIndexBelow(index, INDEX_LIMIT)) return index;
    const { name, model } = this.#provider;
    throw new InvalidResponseError({
      provider: name,
      model,
      message: `${name}/${model}: a ${String(payload.type)} event has the content block index ${JSON.stringify(index) ?? String(index)}; expected a whole number from 0 to ${INDEX_LIMIT - 1}.`,
    });
  }

  #parse(data: string): AnthropicEvent {
    return parseStreamObject<AnthropicEvent>(data, this.#provider);
  }
}
