import { randomUUID } from 'node:crypto';
import type {
  LanguageModelV3StreamPart,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type {
  ChatCompletionChunk,
  ChunkDelta,
  FinishReason,
  JsonValue,
  ToolCallDelta,
  Usage,
} from '../../index.js';
import { reasoningMetadata, thinkingBlocksOf, toolCallMetadata } from './replay.js';
import { finishReasonOf, responseMetadataOf, usageOf } from './usage.js';

type Part = LanguageModelV3StreamPart;

/** A tool call being streamed: what its first fragment named, and its arguments so far. */
interface StreamedToolCall {
  id: string;
  name: string;
  arguments: string;
  signature: unknown;
}

/** The text or reasoning block being streamed. */
interface OpenBlock {
  kind: 'text' | 'reasoning';
  id: string;
}

/**
 * Turns shallot's `chat.completion.chunk`s (the first choice's) into the AI SDK's stream parts,
 * one chunk at a time: `response-metadata` once, text and reasoning as `*-start`/`*-delta`/
 * `*-end` blocks (a block ends when the other kind or a tool call begins; a refusal streams as
 * text), each tool
 * call as `tool-input-start`, then a `tool-input-delta` per arguments fragment; at the end
 * `tool-input-end` and a whole `tool-call` per call, in index order, and `finish` with the
 * usage and the finish reason. Anthropic's thinking blocks ride on `reasoning-end`, Gemini's
 * thought signatures on `tool-call`, for the next turn (see `replay.ts`).
 */
export class StreamPartsBuilder {
  readonly #includeRaw: boolean;
  #sentMetadata = false;
  #open: OpenBlock | undefined;
  #blocks = 0;
  #thinkingBlocks: JsonValue[] = [];
  readonly #toolCalls = new Map<number, StreamedToolCall>();
  #finishReason: FinishReason | null = null;
  #providerFinishReason: unknown;
  #refused = false;

  constructor(includeRaw: boolean) {
    this.#includeRaw = includeRaw;
  }

  /** The first part of every stream. */
  start(warnings: SharedV3Warning[]): Part[] {
    return [{ type: 'stream-start', warnings }];
  }

  /** The parts one chunk makes: none for a chunk that only carries usage. */
  parts(chunk: ChatCompletionChunk): Part[] {
    const parts: Part[] = [];
    if (this.#includeRaw) parts.push({ type: 'raw', rawValue: chunk });
    if (!this.#sentMetadata) {
      const metadata = responseMetadataOf(chunk);
      if (Object.keys(metadata).length > 0) {
        this.#sentMetadata = true;
        parts.push({ type: 'response-metadata', ...metadata });
      }
    }
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      this.#delta(choice.delta, parts);
      if (choice.finish_reason !== null) {
        this.#finishReason = choice.finish_reason;
        this.#providerFinishReason = choice.provider_finish_reason;
      }
    }
    return parts;
  }

  /** The last parts of a stream that ended well: open blocks ended, the tool calls, `finish`. */
  finish(usage: Usage | null | undefined, metadata: SharedV3ProviderMetadata | undefined): Part[] {
    const parts: Part[] = [];
    this.#close(parts);
    const calls = [...this.#toolCalls.entries()].sort(([left], [right]) => left - right);
    for (const [, call] of calls) {
      const providerMetadata = toolCallMetadata(call.signature);
      parts.push({ type: 'tool-input-end', id: call.id });
      parts.push({
        type: 'tool-call',
        toolCallId: call.id,
        toolName: call.name,
        input: call.arguments === '' ? '{}' : call.arguments,
        ...(providerMetadata === undefined ? {} : { providerMetadata }),
      });
    }
    parts.push({
      type: 'finish',
      usage: usageOf(usage),
      finishReason: finishReasonOf(this.#finishReason, this.#providerFinishReason, this.#refused),
      ...(metadata === undefined ? {} : { providerMetadata: metadata }),
    });
    return parts;
  }

  /**
   * The last parts of a stream that failed: open blocks ended, the error, and `finish` with
   * the reason `error` and the usage so far. Tool calls cut short are not handed over: their
   * arguments are incomplete.
   */
  fail(
    error: unknown,
    usage: Usage | null | undefined,
    metadata: SharedV3ProviderMetadata | undefined,
  ): Part[] {
    const parts: Part[] = [];
    this.#close(parts);
    parts.push({ type: 'error', error });
    parts.push({
      type: 'finish',
      usage: usageOf(usage),
      finishReason: { unified: 'error', raw: undefined },
      ...(metadata === undefined ? {} : { providerMetadata: metadata }),
    });
    return parts;
  }

  #delta(delta: ChunkDelta, parts: Part[]): void {
    const reasoning = delta.reasoning_content;
    if (typeof reasoning === 'string' && reasoning !== '') {
      parts.push({
        type: 'reasoning-delta',
        id: this.#block('reasoning', parts),
        delta: reasoning,
      });
    }
    const blocks = thinkingBlocksOf(delta);
    if (blocks.length > 0) {
      // A redacted block may come with no reasoning text: it still needs a part to ride on.
      this.#block('reasoning', parts);
      this.#thinkingBlocks.push(...blocks);
    }
    const content = delta.content;
    if (typeof content === 'string' && content !== '') {
      parts.push({ type: 'text-delta', id: this.#block('text', parts), delta: content });
    }
    const refusal = delta.refusal;
    if (typeof refusal === 'string' && refusal !== '') {
      this.#refused = true;
      parts.push({ type: 'text-delta', id: this.#block('text', parts), delta: refusal });
    }
    for (const fragment of delta.tool_calls ?? []) this.#toolCall(fragment, parts);
  }

  /** The id of the open block of this kind, opening it (and ending the other kind's) if needed. */
  #block(kind: OpenBlock['kind'], parts: Part[]): string {
    if (this.#open?.kind === kind) return this.#open.id;
    this.#close(parts);
    const id = `${kind}-${++this.#blocks}`;
    this.#open = { kind, id };
    parts.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start', id });
    return id;
  }

  #close(parts: Part[]): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    if (open.kind === 'text') {
      parts.push({ type: 'text-end', id: open.id });
      return;
    }
    const providerMetadata = reasoningMetadata(this.#thinkingBlocks);
    this.#thinkingBlocks = [];
    parts.push({
      type: 'reasoning-end',
      id: open.id,
      ...(providerMetadata === undefined ? {} : { providerMetadata }),
    });
  }

  #toolCall(fragment: ToolCallDelta & { thought_signature?: unknown }, parts: Part[]): void {
    const fragmentArguments = fragment.function?.arguments ?? '';
    const known = this.#toolCalls.get(fragment.index);
    if (known !== undefined) {
      known.arguments += fragmentArguments;
      if (fragment.thought_signature !== undefined) known.signature = fragment.thought_signature;
      if (fragmentArguments !== '')
        parts.push({ type: 'tool-input-delta', id: known.id, delta: fragmentArguments });
      return;
    }
    const call: StreamedToolCall = {
      // shallot gives every call an id (Gemini's included); this is for a server that did not.
      id: fragment.id ?? `call_${randomUUID()}`,
      name: fragment.function?.name ?? '',
      arguments: fragmentArguments,
      signature: fragment.thought_signature,
    };
    this.#toolCalls.set(fragment.index, call);
    // The text or reasoning before a tool call is complete when the call begins.
    this.#close(parts);
    parts.push({ type: 'tool-input-start', id: call.id, toolName: call.name });
    if (fragmentArguments !== '')
      parts.push({ type: 'tool-input-delta', id: call.id, delta: fragmentArguments });
  }
}
