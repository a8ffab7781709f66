/**
 * Seeded mutations of JSON values and texts, for the fuzz tests: what a broken or hostile
 * server, proxy or cache could send instead of a recorded answer.
 */

/** A random number in [0, 1), from a seeded generator (see `seededRandom`). */
export type Random = () => number;

/** Values a field may be swapped for: wrong types, absurd numbers, prototype names. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  42,
  1e8,
  4294967294,
  Number.MAX_SAFE_INTEGER,
  1e308,
  '',
  '__proto__',
  'constructor',
  'x'.repeat(1000),
  true,
  [],
  [null],
  {},
  { length: 1e9 },
];

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)] as T;
}

type Container = Record<string, unknown> | unknown[];

/** Every object and array inside `value`, itself included, with at most `limit` of them. */
function containersOf(value: unknown, limit = 500): Container[] {
  const found: Container[] = [];
  const walk = (node: unknown) => {
    if (found.length >= limit || node === null || typeof node !== 'object') return;
    found.push(node as Container);
    for (const child of Object.values(node)) walk(child);
  };
  walk(value);
  return found;
}

function keysOf(container: Container): string[] {
  return Object.keys(container);
}

/** Defines an own, enumerable `key` (even `__proto__`) as a plain data property. */
function define(container: Container, key: string, value: unknown): void {
  Object.defineProperty(container, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * One mutation of a JSON value, in place: a field deleted, a value swapped for a hostile one,
 * an own `__proto__` key added, an index made absurd, or a node wrapped in an array.
 */
function mutateOnce(root: unknown, random: Random): unknown {
  const containers = containersOf(root);
  if (containers.length === 0) return pick(HOSTILE_VALUES, random);
  const target = pick(containers, random);
  const keys = keysOf(target);
  const key = keys.length > 0 ? pick(keys, random) : undefined;
  switch (Math.floor(random() * 6)) {
    case 0:
      if (key !== undefined) {
        if (Array.isArray(target)) target.splice(Number(key), 1);
        else delete target[key];
      }
      return root;
    case 1:
      if (key !== undefined) define(target, key, structuredClone(pick(HOSTILE_VALUES, random)));
      return root;
    case 2:
      if (!Array.isArray(target)) {
        define(target, '__proto__', { polluted: true, content: 'x', index: 0, finishReason: 'x' });
      }
      return root;
    case 3: {
      const indexed = containers.filter((node) => !Array.isArray(node) && 'index' in node);
      const node = indexed.length > 0 ? pick(indexed, random) : target;
      if (!Array.isArray(node)) define(node, 'index', pick(HOSTILE_VALUES, random));
      return root;
    }
    case 4:
      if (key !== undefined) {
        define(target, key, [(target as Record<string, unknown>)[key]]);
      }
      return root;
    default:
      if (key !== undefined) define(target, key, null);
      return root;
  }
}

/** A copy of `value` with one to three mutations. */
export function mutateValue(value: unknown, random: Random): unknown {
  let copy = JSON.parse(JSON.stringify(value)) as unknown;
  const count = 1 + Math.floor(random() * 3);
  for (let step = 0; step < count; step++) copy = mutateOnce(copy, random);
  return copy;
}

/**
 * A mutation of JSON text itself: cut short, a byte dropped or doubled, or a number made
 * 1e400 (which JSON.parse reads as Infinity).
 */
export function mutateText(text: string, random: Random): string {
  const at = Math.floor(random() * Math.max(1, text.length));
  switch (Math.floor(random() * 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + text.charAt(at) + text.slice(at);
    default:
      return text.replace(/\d+/, '1e400');
  }
}
