import { ValidationError } from '../errors/validation-error.js';
import { fromLiteLLMEntry, type LiteLLMPriceEntry } from './from-litellm.js';
import { BUNDLED_PRICES } from './price-table.generated.js';
import type { ModelPrice } from './types.js';

/** A price found, and the name it was found by. */
export interface FoundPrice {
  key: string;
  price: ModelPrice;
}

/** The names a call's model goes by. */
export interface PriceNames {
  /** As the caller wrote it (`openai/gpt-4o`, or `gpt-4o`). */
  requested: string;
  /** The provider it resolved to. */
  provider?: string | undefined;
  /** The model id the provider received. */
  providerModel?: string | undefined;
  /** The model the response named. */
  responseModel?: string | undefined;
}

const MAX_REMEMBERED = 1024;
const MAX_VARIANTS = 16;

/** One lookup `findFor` remembers. */
interface Remembered {
  byNameOnly: boolean;
  provider: string | undefined;
  providerModel: string | undefined;
  responseModel: string | undefined;
  found: FoundPrice | undefined;
}

/** Prices a caller supplies: LiteLLM's snake_case entry, or shallot's camelCase names. */
export type PriceInput = LiteLLMPriceEntry;

/**
 * Prices by model name: a client's own registrations over the bundled table, which is never
 * changed. Each client has its own book, so one client's prices never reach another.
 */
export class PriceBook {
  readonly #own = new Map<string, ModelPrice>();
  /** What `findFor` found, by the model as called; emptied by `register`. */
  readonly #found = new Map<string, Remembered[]>();

  /**
   * Adds or replaces prices for these models, LiteLLM's `register_model` style.
   *
   * @example
   * book.register({ 'acme/llm-1': { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } });
   */
  register(models: Readonly<Record<string, PriceInput>>): void {
    for (const [name, entry] of Object.entries(models))
      this.#own.set(name, toModelPrice(name, entry));
    this.#found.clear();
  }

  /**
   * The price of a call by its names (see {@link priceCandidates}), or by the name it was
   * called with alone when `byNameOnly` (an endpoint the client named itself). Remembered per
   * distinct set of names: a client calls few models, and pricing runs on every call.
   */
  findFor(names: PriceNames, byNameOnly: boolean): FoundPrice | undefined {
    let remembered = this.#found.get(names.requested);
    if (remembered === undefined) {
      if (this.#found.size >= MAX_REMEMBERED) this.#found.clear();
      remembered = [];
      this.#found.set(names.requested, remembered);
    }
    for (const entry of remembered) {
      if (
        entry.byNameOnly === byNameOnly &&
        entry.provider === names.provider &&
        entry.providerModel === names.providerModel &&
        entry.responseModel === names.responseModel
      ) {
        return entry.found;
      }
    }
    const found = this.find(byNameOnly ? [names.requested] : priceCandidates(names));
    if (remembered.length < MAX_VARIANTS) {
      remembered.push({
        byNameOnly,
        provider: names.provider,
        providerModel: names.providerModel,
        responseModel: names.responseModel,
        found,
      });
    }
    return found;
  }

  /** The first candidate with a price, and its key. */
  find(candidates: readonly string[]): FoundPrice | undefined {
    for (const key of candidates) {
      const own = this.#own.get(key);
      if (own) return { key, price: own };
      if (Object.hasOwn(BUNDLED_PRICES, key))
        return { key, price: BUNDLED_PRICES[key] as ModelPrice };
    }
    return undefined;
  }
}

/** Reads a caller's price entry. @throws ValidationError when it has no per-token price. */
export function toModelPrice(name: string, entry: PriceInput): ModelPrice {
  const price = entry !== null && typeof entry === 'object' ? fromLiteLLMEntry(entry) : undefined;
  if (price === undefined) {
    throw ValidationError.forField(
      `pricing["${name}"]`,
      'expected per-token prices, such as { inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 } or LiteLLM\u2019s { input_cost_per_token, output_cost_per_token }.',
    );
  }
  return price;
}

/**
 * The names to look a call up by, most specific first: as called, as the provider resolved
 * it, and as the response named the model (Azure answers with the underlying model; dated
 * snapshots fall back to their family; an OpenAI fine-tune, to its base's `ft:<base>` entry).
 */
export function priceCandidates(names: PriceNames): string[] {
  const candidates: string[] = [names.requested];
  const add = (name: string | undefined) => {
    if (name && !candidates.includes(name)) candidates.push(name);
  };
  const { provider, providerModel, responseModel } = names;
  if (provider && providerModel) add(`${provider}/${providerModel}`);
  add(providerModel);
  if (responseModel) {
    if (provider) add(`${provider}/${responseModel}`);
    add(responseModel);
    const undated = responseModel.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
    if (undated !== responseModel) {
      if (provider) add(`${provider}/${undated}`);
      add(undated);
    }
  }
  // A fine-tune is billed at its base model's fine-tuned rates, under `ft:<base>`.
  for (const name of [...candidates]) add(fineTuneKey(name));
  return candidates;
}

// Base model names have no colon: the base is whatever `ft:` and the next colon enclose.
const FINE_TUNE = /^((?:[^/:]+\/)?ft:[^:/]+):/;

/**
 * The price key of an OpenAI fine-tune, `ft:<base>`, from its full name
 * `ft:<base>:<org>:<suffix>:<id>` (the suffix may be empty; a checkpoint adds one more part),
 * keeping a `provider/` prefix: `openai/ft:gpt-4o-mini-2024-07-18:acme::AbC1` gives
 * `openai/ft:gpt-4o-mini-2024-07-18`. Undefined for any other name, and for `ft:<base>` itself.
 *
 * @example
 * fineTuneKey('ft:gpt-4o-mini-2024-07-18:my-org:support:9xYz'); // 'ft:gpt-4o-mini-2024-07-18'
 */
export function fineTuneKey(model: string): string | undefined {
  if (!model.includes('ft:')) return undefined;
  return FINE_TUNE.exec(model)?.[1];
}
