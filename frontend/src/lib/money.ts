/**
 * Money is a decimal string end to end ("1234.56", "-10.00"). Sums and comparisons use integer
 * cents (`toCents`), never floats; formatting parses only for display, which is exact for values
 * with two decimals well inside Number's safe range.
 */
const MONEY = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

export function toCents(value: string): bigint {
  const m = MONEY.exec(value.trim());
  if (!m) throw new Error(`not a money amount: ${value}`);
  const cents = BigInt(m[2]!) * 100n + BigInt((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const units = abs / 100n;
  const rest = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${units}.${rest}`;
}

export function addMoney(...values: string[]): string {
  return fromCents(values.reduce((sum, v) => sum + toCents(v), 0n));
}

export function compareMoney(a: string, b: string): -1 | 0 | 1 {
  const d = toCents(a) - toCents(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(value: string, locale: string, currency: string): string {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, f);
  }
  // Display only: a string with at most two decimals converts to the nearest double, which
  // Intl rounds back to the same two decimals.
  return f.format(Number(fromCents(toCents(value))));
}
