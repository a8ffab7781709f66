import {
  EMBEDDING_DIMENSIONS,
  EMBEDDING_INPUTS,
  EMBEDDING_MODEL,
  EMBEDDING_PROMPT_TOKENS,
  embeddingVectors,
  float32Text,
} from '../embedding-wire.js';
import { type CannedResponse, json } from './canned.js';

/** The embeddings endpoint's two answers, built once, and what it says to a request it cannot answer. */
export interface EmbeddingAnswers {
  /** `encoding_format: 'base64'`: each vector's little-endian float32 bytes in base64. */
  base64: CannedResponse;
  /** No `encoding_format`, or `'float'`: each vector a JSON array of decimals. */
  float: CannedResponse;
}

/**
 * `POST /v1/embeddings`'s answers to a request of 100 inputs, in OpenAI's format: `{ object:
 * 'list', data: [{ object: 'embedding', index, embedding }], model, usage }`, the same vectors
 * in both. The float body is compact JSON (api.openai.com indents its own, which makes it
 * larger still), each value the shortest decimal that reads back as its float32.
 */
export function embeddingAnswers(): EmbeddingAnswers {
  const vectors = embeddingVectors();
  const base64 = vectors.map((vector) =>
    Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64'),
  );
  const floats = vectors.map((vector) => Array.from(vector, float32Text).join(','));
  // Written by hand: JSON.stringify would print each float32 with a double's 17 digits.
  const floatBody = Buffer.from(
    `{"object":"list","data":[${floats
      .map((values, index) => `{"object":"embedding","index":${index},"embedding":[${values}]}`)
      .join(',')}],"model":"${EMBEDDING_MODEL}","usage":${JSON.stringify(usage())}}`,
  );
  return {
    base64: json(200, {
      object: 'list',
      data: base64.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: EMBEDDING_MODEL,
      usage: usage(),
    }),
    float: {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'content-length': String(floatBody.length),
      },
      body: floatBody,
    },
  };
}

function usage(): object {
  return { prompt_tokens: EMBEDDING_PROMPT_TOKENS, total_tokens: EMBEDDING_PROMPT_TOKENS };
}

/**
 * The answer to one embeddings request: the one its `encoding_format` asks for, or a 400 in
 * OpenAI's error format when the request is not the workload's (another model, not 100 texts,
 * another width or encoding), so that a contender sending something else fails loudly.
 */
export function answerEmbeddings(answers: EmbeddingAnswers, body: Buffer): CannedResponse {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return invalid('the body is not JSON');
  }
  if (request.model !== EMBEDDING_MODEL) {
    return invalid(`model: expected ${EMBEDDING_MODEL}, received ${String(request.model)}`);
  }
  const input = request.input;
  if (
    !Array.isArray(input) ||
    input.length !== EMBEDDING_INPUTS ||
    !input.every((item) => typeof item === 'string')
  ) {
    return invalid(`input: expected ${EMBEDDING_INPUTS} texts`);
  }
  if (request.dimensions !== undefined && request.dimensions !== EMBEDDING_DIMENSIONS) {
    return invalid(`dimensions: this server answers ${EMBEDDING_DIMENSIONS} only`);
  }
  const encoding = request.encoding_format;
  if (encoding === 'base64') return answers.base64;
  if (encoding === undefined || encoding === 'float') return answers.float;
  return invalid(`encoding_format: expected float or base64, received ${String(encoding)}`);
}

function invalid(message: string): CannedResponse {
  return json(400, {
    error: { message, type: 'invalid_request_error', param: null, code: null },
  });
}
