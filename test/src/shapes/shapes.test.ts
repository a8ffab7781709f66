import { describe, expect, it } from 'vitest';
import { cacheEntryProblem, chunkProblem, completionProblem } from '../../../src/shapes/check.js';
import { isCacheEntry, isChunk, isCompletion } from '../../../src/shapes/fast-check.js';
import { CHOICE_LIMIT, INDEX_LIMIT } from '../../../src/shapes/limits.js';
import { cacheEntryShape, chunkShape, completionShape } from '../../../src/shapes/schemas.js';
import { seededRandom } from '../../support/chaos-provider.js';
import { fixture, fixtureEvents } from '../../support/fake-provider.js';
import { mutateValue } from '../../support/mutate.js';

const answer = JSON.parse(fixture('openai-chat.json')) as Record<string, unknown>;
const chunks = [
  ...fixtureEvents<Record<string, unknown>>('openai-chat-stream-usage.sse'),
  ...fixtureEvents<Record<string, unknown>>('openai-chat-stream-tool-calls.sse'),
  ...fixtureEvents<Record<string, unknown>>('azure-chat-stream-content-filter.sse'),
];
const entry = { v: 1, createdAt: 1, response: answer, chunks };

const SHAPES = [
  { name: 'chunk', hand: isChunk, zod: chunkShape, samples: chunks },
  { name: 'answer', hand: isCompletion, zod: completionShape, samples: [answer] },
  { name: 'cache entry', hand: isCacheEntry, zod: cacheEntryShape, samples: [entry] },
] as const;

describe('the hand checks give the schemas’ answers', () => {
  for (const shape of SHAPES) {
    it(`${shape.name}: every recorded sample passes both`, () => {
      for (const sample of shape.samples) {
        expect(shape.hand(sample)).toBe(true);
        expect(shape.zod.safeParse(sample).success).toBe(true);
      }
    });

    it(`${shape.name}: 3,000 seeded mutations get the same answer from both, and both answers occur`, () => {
      const random = seededRandom(7);
      const answers = new Set<boolean>();
      for (let index = 0; index < 3000; index++) {
        const sample = shape.samples[index % shape.samples.length];
        const mutated = mutateValue(sample, random);
        const byZod = shape.zod.safeParse(mutated).success;
        expect(shape.hand(mutated), JSON.stringify(mutated)?.slice(0, 300)).toBe(byZod);
        answers.add(byZod);
      }
      expect([...answers].sort()).toEqual([false, true]);
    });
  }

  const edges: ReadonlyArray<[string, unknown]> = [
    ['a choice index at the bound', { choices: [{ index: CHOICE_LIMIT }] }],
    ['the last choice index', { choices: [{ index: CHOICE_LIMIT - 1 }] }],
    ['-0 as an index', { choices: [{ index: -0 }] }],
    [
      'a tool-call index at the bound',
      { choices: [{ delta: { tool_calls: [{ index: INDEX_LIMIT }] } }] },
    ],
    ['Infinity as created', { created: Number.POSITIVE_INFINITY, choices: [] }],
    ['NaN as a usage count', { choices: [], usage: { prompt_tokens: Number.NaN } }],
    ['a sparse choices array', { choices: new Array(3) }],
    ['a usage array', { choices: [], usage: [] }],
    ['an own __proto__ key', JSON.parse('{"choices":[],"__proto__":{"choices":5}}')],
    ['a null-prototype chunk', Object.assign(Object.create(null), { choices: [] })],
    ['choices over the limit', { choices: Array.from({ length: CHOICE_LIMIT + 1 }, () => ({})) }],
  ];
  for (const [label, value] of edges) {
    it(`the edge case "${label}" gets the same answer from both`, () => {
      expect(isChunk(value)).toBe(chunkShape.safeParse(value).success);
    });
  }
});

describe('what the checks say', () => {
  it('names the first bad field, with what it received', () => {
    expect(chunkProblem({ choices: [{ index: '__proto__' }] })).toBe(
      'choices[0].index: expected number, received string "__proto__"',
    );
    expect(completionProblem({ choices: [null] })).toBe(
      'choices[0]: expected object, received null',
    );
    expect(cacheEntryProblem({ v: 2 })).toContain('v: ');
  });

  it('says nothing of what is well-formed', () => {
    expect(chunkProblem(chunks[0])).toBeUndefined();
    expect(completionProblem(answer)).toBeUndefined();
    expect(cacheEntryProblem(entry)).toBeUndefined();
  });
});
