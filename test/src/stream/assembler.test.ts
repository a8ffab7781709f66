import { type ChatCompletionChunk, createClient } from 'shallot';
import { describe, expect, it } from 'vitest';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const chunk = (
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: 'stop' | 'tool_calls' | null = null,
  index = 0,
): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index, delta, finish_reason: finish }],
});

async function assemble(chunks: ChatCompletionChunk[]) {
  const stream = await createClient().completion({
    model: 'gpt-4o-mini',
    messages,
    stream: true,
    mockResponse: chunks,
  });
  await collect(stream);
  return stream.finalResponse();
}

describe('assembling a streamed answer', () => {
  it('keeps the fields a provider adds to a tool call, such as Gemini’s thought_signature', async () => {
    const final = await assemble([
      chunk({
        role: 'assistant',
        tool_calls: [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: { name: 'f', arguments: '{"a":' },
            thought_signature: 'sig==',
          } as never,
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(final.choices[0]?.message.tool_calls).toEqual([
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'f', arguments: '{"a":1}' },
        thought_signature: 'sig==',
      },
    ]);
  });

  it('concatenates reasoning and keeps Anthropic’s thinking blocks with their signatures', async () => {
    const block = { type: 'thinking', thinking: 'Let me see.', signature: 'abc' };
    const final = await assemble([
      chunk({ role: 'assistant', reasoning_content: 'Let me ' }),
      chunk({ reasoning_content: 'see.' }),
      chunk({ thinking_blocks: [block] }),
      chunk({ content: 'Done.' }, 'stop'),
    ]);
    expect(final.choices[0]?.message).toMatchObject({
      content: 'Done.',
      reasoning_content: 'Let me see.',
      thinking_blocks: [block],
    });
  });

  it('keeps interleaved choices apart, and the provider’s own finish reason', async () => {
    const final = await assemble([
      chunk({ role: 'assistant', content: 'A' }, null, 0),
      chunk({ role: 'assistant', content: 'B' }, null, 1),
      chunk({ content: 'a' }, null, 0),
      {
        ...chunk({}, 'stop', 1),
        choices: [
          { index: 1, delta: {}, finish_reason: 'stop', provider_finish_reason: 'end_turn' },
        ],
      },
      chunk({}, 'stop', 0),
    ]);
    expect(final.choices.map((choice) => choice.message.content)).toEqual(['Aa', 'B']);
    expect(final.choices[1]?.provider_finish_reason).toBe('end_turn');
  });
});
