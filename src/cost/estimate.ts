import { createRequire } from 'node:module';
import type { ChatCompletion, ChatMessage, Usage } from '../types/openai.js';

type CountTokens = (text: string) => number;

let countTokens: CountTokens | undefined;

/** gpt-tokenizer's o200k_base encoding, loaded synchronously the first time it is needed. */
function tokenizer(): CountTokens {
  if (countTokens === undefined) {
    const require = createRequire(import.meta.url);
    countTokens = (require('gpt-tokenizer/cjs/encoding/o200k_base') as { countTokens: CountTokens })
      .countTokens;
  }
  return countTokens;
}

/**
 * Usage estimated with a tokenizer (o200k_base, GPT-4o's encoding), for a stream whose
 * provider sent none. It follows OpenAI's counting: 3 tokens per message and 3 to prime the
 * reply. Other model families tokenize differently, so the cost it gives is marked estimated.
 */
export function estimateUsage(
  messages: readonly ChatMessage[],
  answer: ChatCompletion | undefined,
): Usage {
  const count = tokenizer();
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

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}
