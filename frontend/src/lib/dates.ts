/**
 * Business dates are `YYYY-MM-DD` strings without a time zone. They are formatted as calendar
 * dates (built and printed in UTC), so no browser time zone can shift them by a day.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function formatDate(value: string, locale: string): string {
  const m = DATE.exec(value);
  if (!m) throw new Error(`not a date: ${value}`);
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

/** Timestamps (ISO 8601 UTC) are shown in the business time zone from /auth/me. */
export function formatTimestamp(value: string, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    dateStyle: "short",
    timeStyle: "short",
  }).format(new Date(value));
}
