/** A whole number with thousands separators: `12,345`. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A number with `digits` decimals and thousands separators. */
export function decimal(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A ratio to the floor: `0.42×`. */
export function ratio(value: number): string {
  return `${decimal(value, 2)}×`;
}

/** A share: `3.1 %`. */
export function percent(value: number): string {
  return `${decimal(value * 100, 1)} %`;
}

/** Bytes as mebibytes: `123.4 MB`. */
export function megabytes(bytes: number): string {
  return `${decimal(bytes / 2 ** 20, 1)} MB`;
}

/** Bytes with a sign, as mebibytes when large and kibibytes when small. */
export function signedBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  const sign = bytes < 0 ? '−' : '+';
  const size = Math.abs(bytes);
  return size >= 2 ** 20
    ? `${sign}${decimal(size / 2 ** 20, 2)} MB`
    : `${sign}${decimal(size / 1024, 1)} KB`;
}
