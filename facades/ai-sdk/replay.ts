/**
 * What a provider needs back on the next turn of a conversation, carried through the AI SDK:
 * Anthropic's thinking blocks (with their signatures) and Gemini's thought signatures on tool
 * calls. A result's part carries them in `providerMetadata.shallot`; the AI SDK hands them back
 * as that part's `providerOptions.shallot` in the next step's prompt, where they are checked
 * (a stored conversation is input like any other) and put back in OpenAI's format.
 */
import type { SharedV3ProviderMetadata, SharedV3ProviderOptions } from '@ai-sdk/provider';
import { describeValue, type JsonObject, type JsonValue, ValidationError } from '../../index.js';
import { isPlainObject, PROVIDER_KEY } from './settings.js';

/** The most thinking blocks one reasoning part may carry back. */
const MAX_THINKING_BLOCKS = 1024;

/** `providerMetadata` for a reasoning part holding these thinking blocks, none without any. */
export function reasoningMetadata(
  thinkingBlocks: readonly JsonValue[],
): SharedV3ProviderMetadata | undefined {
  if (thinkingBlocks.length === 0) return undefined;
  return { [PROVIDER_KEY]: { thinkingBlocks: [...thinkingBlocks] } };
}

/** `providerMetadata` for a tool call with this thought signature, none without one. */
export function toolCallMetadata(signature: unknown): SharedV3ProviderMetadata | undefined {
  if (typeof signature !== 'string') return undefined;
  return { [PROVIDER_KEY]: { thoughtSignature: signature } };
}

/**
 * The thinking blocks a reasoning part of the prompt carries back, none if it carries none.
 *
 * @throws ValidationError when they are not a list of objects.
 */
export function replayedReasoning(
  options: SharedV3ProviderOptions | undefined,
  field: string,
  modelId: string,
): JsonObject[] {
  const blocks = ownOption(options, 'thinkingBlocks');
  if (blocks === undefined) return [];
  if (
    !Array.isArray(blocks) ||
    blocks.length > MAX_THINKING_BLOCKS ||
    !blocks.every(isPlainObject)
  ) {
    throw ValidationError.forField(
      `${field}.providerOptions.${PROVIDER_KEY}.thinkingBlocks`,
      `expected a list of at most ${MAX_THINKING_BLOCKS} thinking blocks, as a result's providerMetadata.${PROVIDER_KEY} gave them, received ${describeValue(blocks)}.`,
      modelId,
    );
  }
  return blocks as JsonObject[];
}

/**
 * The thought signature a tool-call part of the prompt carries back, if any.
 *
 * @throws ValidationError when it is not a string.
 */
export function replayedSignature(
  options: SharedV3ProviderOptions | undefined,
  field: string,
  modelId: string,
): string | undefined {
  const signature = ownOption(options, 'thoughtSignature');
  if (signature === undefined || typeof signature === 'string') return signature;
  throw ValidationError.forField(
    `${field}.providerOptions.${PROVIDER_KEY}.thoughtSignature`,
    `expected the string a result's providerMetadata.${PROVIDER_KEY} gave, received ${describeValue(signature)}.`,
    modelId,
  );
}

function ownOption(options: SharedV3ProviderOptions | undefined, key: string): unknown {
  const ours = options?.[PROVIDER_KEY];
  if (!isPlainObject(ours) || !Object.hasOwn(ours, key)) return undefined;
  return ours[key];
}

/** Anthropic's thinking blocks of an answer or a delta (LiteLLM's `thinking_blocks`), none elsewhere. */
export function thinkingBlocksOf(carrier: object): JsonValue[] {
  const blocks = (carrier as { thinking_blocks?: unknown }).thinking_blocks;
  return Array.isArray(blocks) ? (blocks as JsonValue[]) : [];
}
