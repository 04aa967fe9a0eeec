/**
 * Typed dates of the date fields (the payment modal, the Cheques screen): `31/12/2026`
 * (pt-BR) or `12/31/2026` (en), also without separators (`31122026`) or with a two-digit year, to the `YYYY-MM-DD` the API
 * speaks. Null when the text is not a real calendar day.
 */
export function parseTypedDate(text: string, locale: string): string | null {
  const v = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return validDay(v);
  let parts: string[] | null = null;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(v);
  if (m) parts = [m[1]!, m[2]!, m[3]!];
  else if (/^\d{8}$/.test(v)) parts = [v.slice(0, 2), v.slice(2, 4), v.slice(4)];
  if (!parts) return null;
  const [a, b, y] = parts as [string, string, string];
  const [day, month] = locale.startsWith("en") ? [b, a] : [a, b];
  const year = y.length === 2 ? `20${y}` : y;
  return validDay(`${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`);
}

function validDay(iso: string): string | null {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d
    ? iso
    : null;
}

/** The display format of the date fields (dayjs tokens). */
export function dateFormat(locale: string): string {
  return locale.startsWith("en") ? "MM/DD/YYYY" : "DD/MM/YYYY";
}
