/**
 * The as-of date as typed: `31/12/2026` in pt-BR, `12/31/2026` in en (the order the app prints
 * dates in), or ISO `2026-12-31`. Returns `YYYY-MM-DD`, or null for anything that is not a real
 * calendar date (31/02 is refused, not rolled over into March).
 */
export function parseTypedDate(text: string, language: string): string | null {
  const value = text.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const local = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (local) {
    const [a, b] = [Number(local[1]), Number(local[2])];
    [d, m] = language === "en" ? [b, a] : [a, b];
    y = Number(local[3]);
  } else {
    return null;
  }
  const at = new Date(Date.UTC(y, m - 1, d));
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** How the date picker prints the date, matching `formatDate` of each language. */
export function dateFormatOf(language: string): string {
  return language === "en" ? "MM/DD/YYYY" : "DD/MM/YYYY";
}
