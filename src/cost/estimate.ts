import { createRequire } from 'node:module';
import type { ChatCompletion, ChatMessage, Usage } from '../types/openai.js';

/** Counts the tokens of one text. */
export type CountTokens = (text: string) => number;

/** gpt-tokenizer's o200k_base encoding (GPT-4o's), the one file of it that estimates load. */
export const TOKENIZER_MODULE = 'gpt-tokenizer/cjs/encoding/o200k_base';

/**
 * The count without a tokenizer: one token per four characters (UTF-16 code units), rounded
 * up, OpenAI's rule of thumb for English. Code and other languages take more tokens a
 * character, so it counts them low.
 */
export const approximateTokens: CountTokens = (text) => Math.ceil(text.length / 4);

/**
 * The counter in `module` (which exports `countTokens`), or {@link approximateTokens} when it
 * cannot be loaded: gpt-tokenizer is an optional peer dependency (`npm install gpt-tokenizer`),
 * and an estimate never fails a call.
 */
export function loadTokenCounter(module: string = TOKENIZER_MODULE): CountTokens {
  try {
    const { countTokens } = createRequire(import.meta.url)(module) as { countTokens?: unknown };
    if (typeof countTokens === 'function') return countTokens as CountTokens;
  } catch {
    // not installed (or not this version's layout): the approximation below
  }
  return approximateTokens;
}

let defaultCounter: CountTokens | undefined;

/** The counter estimates use, loaded synchronously the first time one is needed. */
export function tokenCounter(): CountTokens {
  defaultCounter ??= loadTokenCounter();
  return defaultCounter;
}

/**
 * Usage estimated for a stream whose provider sent none, with gpt-tokenizer's o200k_base
 * (GPT-4o's encoding) when it is installed and four characters a token otherwise. It follows
 * OpenAI's counting: 3 tokens per message and 3 to prime the reply. Other model families
 * tokenize differently, so the cost it gives is marked estimated.
 *
 * @param count how to count one text: the default is {@link tokenCounter}'s
 */
export function estimateUsage(
  messages: readonly ChatMessage[],
  answer: ChatCompletion | undefined,
  count: CountTokens = tokenCounter(),
): Usage {
  let prompt = 3;
  for (const message of messages) {
    prompt += 3 + count(message.role) + count(textOf(message.content));
    if ('name' in message && typeof message.name === 'string') prompt += 1 + count(message.name);
    if (message.role === 'assistant' && message.tool_calls) {
      for (const call of message.tool_calls)
        prompt += count(call.function.name) + count(call.function.arguments);
    }
  }
  let completion = 0;
  for (const choice of answer?.choices ?? []) {
    completion += count(choice.message.content ?? '');
    for (const call of choice.message.tool_calls ?? []) {
      completion += count(call.function.name) + count(call.function.arguments);
    }
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/**
 * The prompt tokens of `messages`, estimated as {@link estimateUsage} does: what a layer checks
 * against a context window before sending (the router's pre-call check).
 */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  return estimateUsage(messages, undefined).prompt_tokens;
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}
