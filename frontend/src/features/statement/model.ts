import type { components } from "../../api/schema";
import { fromCents, toCents } from "../../lib/money";

export type StatementPage = components["schemas"]["StatementPage"];
export type StatementEntry = components["schemas"]["StatementEntry"];

/** A row as the grid draws it: the entry plus a key stable across prepends. */
export interface StatementRow {
  key: string;
  entry: StatementEntry;
}

/**
 * The loaded pages (as fetched: page 0 the newest, each page newest first) as the grid shows
 * them: oldest at the top, newest at the bottom, so "Load earlier period" prepends above. The
 * key is the page's distance from the oldest loaded page counted from the newest one plus the
 * row's index, which does not change for rows already shown when an older page arrives.
 */
export function chronologicalRows(pages: readonly StatementPage[]): StatementRow[] {
  const rows: StatementRow[] = [];
  for (let p = pages.length - 1; p >= 0; p--) {
    const entries = pages[p]!.entries;
    for (let i = entries.length - 1; i >= 0; i--) {
      rows.push({ key: `${p}:${i}`, entry: entries[i]! });
    }
  }
  return rows;
}

/** What the summary toolbar shows for the rows on screen. */
export interface LoadedSummary {
  from: string | null;
  to: string | null;
  totalReceived: string;
  totalDelivered: string;
  /** Cheques returned unpaid in the period (debits beside the deliveries). */
  totalReturned: string;
  rows: number;
}

/**
 * The server gives each page the totals from its oldest row to the newest row of the statement,
 * which is exactly what is on screen once the pages were loaded back to it: the oldest loaded
 * page's totals and period start, the newest page's period end.
 */
export function loadedSummary(pages: readonly StatementPage[]): LoadedSummary {
  const oldest = pages.at(-1);
  const newest = pages[0];
  if (!oldest || !newest) {
    const none = "0.00";
    return {
      from: null,
      to: null,
      totalReceived: none,
      totalDelivered: none,
      totalReturned: none,
      rows: 0,
    };
  }
  return {
    from: oldest.period.from,
    to: newest.period.to,
    totalReceived: oldest.total_received,
    totalDelivered: oldest.total_delivered,
    totalReturned: oldest.total_returned,
    rows: pages.reduce((n, page) => n + page.entries.length, 0),
  };
}

export type BalanceTone = "positive" | "negative" | "zero";

/**
 * How a running balance is drawn: green when the customer has credit, red when they owe, plain
 * at zero; null on activity rows, which carry no balance.
 */
export function balanceTone(balance: string | null): BalanceTone | null {
  if (balance === null) return null;
  const cents = toCents(balance);
  return cents > 0n ? "positive" : cents < 0n ? "negative" : "zero";
}

/**
 * The scroll offset that keeps the same rows in view after rows were added above them: the
 * content grew by (heightAfter − heightBefore) above the user's position.
 */
export function anchoredScrollTop(
  scrollTopBefore: number,
  heightBefore: number,
  heightAfter: number,
): number {
  return Math.max(0, scrollTopBefore + (heightAfter - heightBefore));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ExportPeriod {
  from: string;
  to: string;
}

export type PeriodError = "fromInvalid" | "toInvalid" | "fromAfterTo" | "toAfterToday";

/**
 * Checks an export period before asking for it (the server checks again): both ends optional
 * (empty = from the start / to the end), real dates, from ≤ to, nothing after today.
 */
export function periodError(period: ExportPeriod, today: string | undefined): PeriodError | null {
  if (period.from && !isDate(period.from)) return "fromInvalid";
  if (period.to && !isDate(period.to)) return "toInvalid";
  if (period.from && period.to && period.from > period.to) return "fromAfterTo";
  if (today && period.to && period.to > today) return "toAfterToday";
  return null;
}

function isDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The query string of the export endpoint for a period (empty ends left out). */
export function exportQuery(
  format: "csv" | "pdf",
  period: ExportPeriod,
  financialOnly: boolean,
): { format: "csv" | "pdf"; from?: string; to?: string; financial_only?: boolean } {
  return {
    format,
    ...(period.from ? { from: period.from } : {}),
    ...(period.to ? { to: period.to } : {}),
    ...(financialOnly ? { financial_only: true } : {}),
  };
}

/** The file name from Content-Disposition, or a sensible one. */
export function downloadName(
  disposition: string | null,
  customerNumber: number | null,
  format: "csv" | "pdf",
): string {
  const star = disposition && /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]!.trim());
  const plain = disposition && /filename="?([^";]+)"?/i.exec(disposition);
  if (plain) return plain[1]!.trim();
  return `statement-${customerNumber ?? "customer"}.${format}`;
}

const DELIVERY_PARTIAL = /^Partial delivery (\d+)$/;
const DESCRIPTIONS: Record<string, string> = {
  "Single delivery": "single",
  "Collected by customer": "collected",
  "Ready for collection": "awaitingCollection",
  Delivery: "delivery",
  "Order placed": "orderPlaced",
  "Order cancelled": "orderCancelled",
  Quote: "quote",
  "Quote consumed": "quoteConsumed",
  "Returned cheque": "returnedCheque",
};

/**
 * The catalog key (under `descriptions.`) of a row's description, which the server writes in
 * English: a payment's is its method, a delivery's its kind. Null when the text is not one of
 * the known ones, and the grid shows the server's text as it came.
 */
export function descriptionKey(
  entry: Pick<StatementEntry, "type" | "description">,
): { key: string; n?: number } | null {
  if (entry.type === "payment") return { key: `methods.${entry.description}` };
  const partial = DELIVERY_PARTIAL.exec(entry.description);
  if (partial) return { key: "partial", n: Number(partial[1]) };
  const key = DESCRIPTIONS[entry.description];
  return key ? { key } : null;
}

const amountFormatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount in the grid: the number without the currency sign (`1.234,56`, `-29.319,30`), which
 * the column titles name once; seven columns fit the panel without scrolling sideways.
 */
export function formatAmount(value: string, locale: string): string {
  let f = amountFormatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    amountFormatters.set(locale, f);
  }
  return f.format(Number(fromCents(toCents(value))));
}
