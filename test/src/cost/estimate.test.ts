import type { ChatCompletion, ChatMessage } from 'shallot';
import { describe, expect, it } from 'vitest';
import {
  approximateTokens,
  estimateUsage,
  loadTokenCounter,
  TOKENIZER_MODULE,
  tokenCounter,
} from '../../../src/cost/estimate.js';

const messages: ChatMessage[] = [
  { role: 'system', content: 'Answer in one word.' },
  { role: 'user', content: 'Spell the longest word you know.' },
];
const answer = (content: string): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});
const WORD = 'Pneumonoultramicroscopicsilicovolcanoconiosis';

describe('estimated usage', () => {
  it('counts with gpt-tokenizer’s o200k_base when it is installed (a dev dependency here)', () => {
    expect(loadTokenCounter()).not.toBe(approximateTokens);
    expect(tokenCounter()('Sunny and warm.')).toBe(4);
    // 3 for the reply; per message 3 + role + text: system 1 + 5, user 1 + 7
    expect(estimateUsage(messages, answer(WORD))).toEqual({
      prompt_tokens: 3 + (3 + 1 + 5) + (3 + 1 + 7),
      completion_tokens: 15,
      total_tokens: 38,
    });
  });

  it('falls back to a token per four characters when the tokenizer cannot be loaded', () => {
    expect(loadTokenCounter('gpt-tokenizer-absent/cjs/encoding/o200k_base')).toBe(
      approximateTokens,
    );
    // A module that loads but has no countTokens is no tokenizer either.
    expect(loadTokenCounter('zod')).toBe(approximateTokens);
    expect(TOKENIZER_MODULE).toBe('gpt-tokenizer/cjs/encoding/o200k_base');
  });

  it('rounds each text up to whole tokens of four characters, and counts nothing as 0', () => {
    expect([
      approximateTokens(''),
      approximateTokens('a'),
      approximateTokens('four'),
      approximateTokens('fives'),
    ]).toEqual([0, 1, 1, 2]);
  });

  it('keeps OpenAI’s per-message counting with the fallback, told the tokenizer is unavailable', () => {
    // system: 3 + "system" 2 + 19 characters 5; user: 3 + "user" 1 + 32 characters 8; 45 letters: 12
    expect(estimateUsage(messages, answer(WORD), approximateTokens)).toEqual({
      prompt_tokens: 3 + (3 + 2 + 5) + (3 + 1 + 8),
      completion_tokens: 12,
      total_tokens: 37,
    });
  });

  it('counts names, tool calls and text parts the same way, whatever the counter', () => {
    const withTools: ChatMessage[] = [
      { role: 'user', name: 'ada', content: [{ type: 'text', text: 'Weather?' }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Lyon"}' },
          },
        ],
      },
    ];
    // user: 3 + 1 + "Weather?" 2 + name 1 + "ada" 1; assistant: 3 + "assistant" 3 + "" 0 + 3 + 4
    expect(estimateUsage(withTools, undefined, approximateTokens)).toEqual({
      prompt_tokens: 3 + (3 + 1 + 2 + 1 + 1) + (3 + 3 + 0 + 3 + 4),
      completion_tokens: 0,
      total_tokens: 24,
    });
  });
});
