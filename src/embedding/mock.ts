import type { EmbeddingCallContext } from '../context/context.js';
import { ValidationError } from '../errors/validation-error.js';
import type { EmbeddingResponse, EmbeddingVector } from '../types/embedding.js';
import { embeddingItems } from './items.js';
import { buildEmbeddingResponse } from './response.js';
import { estimateTokens } from './send.js';

/**
 * Answers an embedding call from its `mockResponse`, with no network: a response object is
 * returned as given; a list of vectors (one per input) becomes a response in the caller's
 * encoding, with the input tokens estimated.
 */
export function answerEmbeddingsFromMock(ctx: EmbeddingCallContext, mock: unknown): void {
  ctx.providerResponse = { status: 200, headers: { 'content-type': 'application/json' } };
  const model = ctx.request.model;
  if (Array.isArray(mock)) {
    const count = embeddingItems(ctx.request.input).length;
    if (mock.length !== count) {
      throw ValidationError.forField(
        'mockResponse',
        `holds ${mock.length} vector(s) for ${count} input(s): give one vector per input.`,
        model,
      );
    }
    mock.forEach((vector, index) => {
      if (!isVector(vector)) {
        throw ValidationError.forField(
          `mockResponse[${index}]`,
          'expected a list of numbers or a Float32Array.',
          model,
        );
      }
    });
    const promptTokens = estimateTokens(embeddingItems(ctx.request.input));
    ctx.usageEstimated = true;
    const vectors = mock.map((vector: readonly number[] | Float32Array) =>
      vector instanceof Float32Array ? vector : [...vector],
    );
    ctx.deliverEmbeddings(
      buildEmbeddingResponse(ctx, vectors, {
        model: ctx.provider.model,
        promptTokens,
        origin: ctx.provider,
      }),
    );
    return;
  }
  if (!isResponse(mock)) {
    throw ValidationError.forField(
      'mockResponse',
      "expected an embedding response ({ object: 'list', data: [{ embedding, index }], usage }), a list of vectors, or an Error.",
      model,
    );
  }
  ctx.providerResponse.text = JSON.stringify(mock);
  ctx.deliverEmbeddings(mock);
}

function isVector(value: unknown): boolean {
  if (value instanceof Float32Array) return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}

function isResponse(value: unknown): value is EmbeddingResponse<EmbeddingVector> {
  if (value === null || typeof value !== 'object') return false;
  const response = value as Partial<EmbeddingResponse<EmbeddingVector>>;
  const usage = response.usage as Partial<EmbeddingResponse['usage']> | undefined;
  return (
    Array.isArray(response.data) &&
    usage !== null &&
    typeof usage === 'object' &&
    typeof usage.prompt_tokens === 'number'
  );
}
