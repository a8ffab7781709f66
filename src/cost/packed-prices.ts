import type { ModelPrice } from './types.js';

/**
 * The one-letter names the bundled price table's JSON text gives each price field (a quarter
 * of its bytes were field names), and the names they stand for.
 */
const SHORT_NAMES: Readonly<Record<keyof ModelPrice, string>> = {
  provider: 'p',
  input: 'i',
  output: 'o',
  cacheRead: 'r',
  cacheWrite: 'w',
  cacheWrite1h: 'h',
  reasoning: 'x',
  maxInput: 'm',
  tiers: 't',
  priority: 'y',
  flex: 'f',
};

const LONG_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(SHORT_NAMES).map(([long, short]) => [short, long]),
);

/** A price with its fields' short names, for the generated module. */
export function packPrice(price: ModelPrice): Record<string, unknown> {
  const packed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(price)) {
    const short = SHORT_NAMES[field as keyof ModelPrice];
    if (short === undefined) throw new Error(`packPrice: no short name for the field ${field}`);
    packed[short] = value;
  }
  return packed;
}

/** The JSON text of a value, each number in its shorter spelling (`2e-6`, not `0.000002`). */
export function compactJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /(?<=[:,[])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?=[,}\]])/g,
    (text) => {
      const exponent = Number(text).toExponential().replace('e+', 'e');
      return exponent.length < text.length ? exponent : text;
    },
  );
}

/** The bundled table as the generated module's JSON text holds it, with its fields' names back. */
export function unpackPrices(
  packed: Record<string, Record<string, unknown>>,
): Record<string, ModelPrice> {
  const prices: Record<string, ModelPrice> = {};
  for (const [key, fields] of Object.entries(packed)) {
    const price: Record<string, unknown> = {};
    for (const [short, value] of Object.entries(fields)) {
      price[LONG_NAMES.get(short) ?? short] = value;
    }
    prices[key] = price as ModelPrice;
  }
  return prices;
}
