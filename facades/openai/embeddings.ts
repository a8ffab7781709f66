import type { Caller } from './caller.js';
import type { RequestOptions } from './request-options.js';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from './types.js';

/** `openai.embeddings`: embeddings through the shallot client's onion (cost, cache per input, ...). */
export class Embeddings {
  readonly #caller: Caller;

  /** @internal Made by the `OpenAI` facade. */
  constructor(caller: Caller) {
    this.#caller = caller;
  }

  /**
   * Embeds a text or texts, as openai-node's `create()`: one vector per input, `number[]`
   * unless `encoding_format: 'base64'`.
   *
   * @example
   * const { data } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a cat'] });
   */
  create(body: EmbeddingCreateParams, options?: RequestOptions): Promise<CreateEmbeddingResponse> {
    return this.#caller.embed(body, options);
  }
}
