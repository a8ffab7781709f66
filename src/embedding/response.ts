import type { EmbeddingCallContext } from '../context/context.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import type { EmbeddingResponse, EmbeddingVector } from '../types/embedding.js';
import { commonWidth, encodeVector, type RawVector } from './vectors.js';

/** Where the vectors came from, for the message of a width that does not fit. */
interface Origin {
  name: string;
  model: string;
}

/**
 * The OpenAI-format answer of an embedding call from its vectors (in input order), in the
 * caller's encoding.
 * @throws InvalidResponseError when a vector is not `dimensions` wide (the call asked for a
 * width), or the vectors differ in width: a call never returns vectors of mixed widths.
 */
export function buildEmbeddingResponse(
  ctx: EmbeddingCallContext,
  vectors: readonly RawVector[],
  answer: { model: string; promptTokens: number; origin: Origin },
): EmbeddingResponse<EmbeddingVector> {
  checkWidths(vectors, ctx.request.dimensions, answer.origin);
  const encoding = ctx.encoding;
  const data = new Array<EmbeddingResponse<EmbeddingVector>['data'][number]>(vectors.length);
  for (let index = 0; index < vectors.length; index++) {
    data[index] = {
      object: 'embedding',
      index,
      embedding: encodeVector(vectors[index] as RawVector, encoding),
    };
  }
  return {
    object: 'list',
    data,
    model: answer.model,
    usage: { prompt_tokens: answer.promptTokens, total_tokens: answer.promptTokens },
  };
}

function checkWidths(
  vectors: readonly RawVector[],
  dimensions: number | undefined,
  origin: Origin,
): void {
  const width = commonWidth(vectors);
  const wrong =
    dimensions === undefined
      ? width === undefined && vectors.length > 0
        ? 'the vectors differ in width'
        : undefined
      : vectors.some((vector) => vector.length !== dimensions)
        ? `a vector is ${vectors.find((vector) => vector.length !== dimensions)?.length} wide where dimensions is ${dimensions}`
        : undefined;
  if (wrong === undefined) return;
  throw new InvalidResponseError({
    provider: origin.name,
    model: origin.model,
    message: `${origin.name}/${origin.model}: ${wrong}. A call never mixes vector widths: check that the model (and any fallback) supports dimensions ${dimensions ?? '(none asked)'}.`,
  });
}
