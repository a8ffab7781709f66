import { NotFoundError, OpenAIError } from './errors.js';
import type { Model } from './types.js';

/**
 * Where `models.list()` takes its names from: a list, or a router (`router()` of
 * `shallot/middleware/router`, or anything with `groups`), read at each call.
 */
export type ModelSource = readonly string[] | { readonly groups: readonly string[] };

/** One page of models, as openai-node's `ModelsPage`: the only page, since the list is local. */
export class ModelsPage implements AsyncIterable<Model> {
  readonly object = 'list';
  /** The models. */
  readonly data: Model[];

  constructor(data: Model[]) {
    this.data = data;
  }

  /** Always false: every model is on this page. */
  hasNextPage(): boolean {
    return false;
  }

  /** @throws OpenAIError: there is no next page. */
  getNextPage(): Promise<ModelsPage> {
    return Promise.reject(
      new OpenAIError(
        'No next page expected; please check `.hasNextPage()` before calling `.getNextPage()`.',
      ),
    );
  }

  /** The models of this page. */
  getPaginatedItems(): Model[] {
    return this.data;
  }

  /** Every page: this one. */
  async *iterPages(): AsyncGenerator<ModelsPage> {
    yield this;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Model> {
    yield* this.data;
  }
}

/** What `models.list()` returns: a promise of the page that is also an async iterable of its models. */
export type ModelsPagePromise = Promise<ModelsPage> & AsyncIterable<Model>;

/**
 * `openai.models`: the models this facade knows, from its `models` option (a list, or a router
 * whose groups it lists), in the shape of OpenAI's `/v1/models` and shallot's gateway
 * (`owned_by: 'shallot'`, `created: 0`). No request is made; without `models` the list is empty.
 */
export class Models {
  readonly #source: ModelSource | undefined;

  /** @internal Made by the `OpenAI` facade. */
  constructor(source: ModelSource | undefined) {
    this.#source = source;
  }

  /**
   * The models, as openai-node's `list()`: await it for the page, or iterate it.
   *
   * @example
   * for await (const model of openai.models.list()) console.log(model.id);
   */
  list(): ModelsPagePromise {
    const page = Promise.resolve(new ModelsPage(this.#names().map(modelOf)));
    return Object.assign(page, {
      async *[Symbol.asyncIterator]() {
        yield* (await page).data;
      },
    });
  }

  /** One model by its id. @throws NotFoundError (404) for an id the list does not have, as the API answers. */
  async retrieve(model: string): Promise<Model> {
    if (this.#names().includes(model)) return modelOf(model);
    const error = {
      message: `The model '${model}' does not exist: it is not one of the models this client lists (the facade's models option).`,
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    };
    throw new NotFoundError(404, error, undefined, new Headers());
  }

  #names(): readonly string[] {
    const source = this.#source;
    if (source === undefined) return [];
    return Array.isArray(source) ? source : (source as { groups: readonly string[] }).groups;
  }
}

function modelOf(id: string): Model {
  return { id, object: 'model', created: 0, owned_by: 'shallot' };
}
