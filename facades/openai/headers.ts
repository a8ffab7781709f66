/**
 * Headers as openai-node takes them: a `Headers` object, `[name, value]` pairs, or a record
 * whose values are strings, lists of strings (joined with `, `), or `null` / `undefined`
 * (left out: shallot cannot remove a header another layer sets).
 */
export type HeadersInput =
  | Headers
  | ReadonlyArray<readonly [string, string]>
  | Readonly<Record<string, string | readonly string[] | null | undefined>>;

/**
 * The headers as a plain record for shallot's `headers` option, over `base` when given; names
 * as written (`Headers` objects give them lowercased). Null-prototype, so that a header named
 * `__proto__` is only a header.
 */
export function headerRecord(
  input: HeadersInput,
  base?: Readonly<Record<string, string>>,
): Record<string, string> {
  const record: Record<string, string> = Object.assign(Object.create(null), base);
  const entries: Iterable<readonly [string, unknown]> =
    input instanceof Headers || Array.isArray(input)
      ? (input as Iterable<readonly [string, string]>)
      : Object.entries(input);
  for (const [name, value] of entries) {
    if (value === null || value === undefined) continue;
    record[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return record;
}
