import { toCents } from "../../lib/money";

/**
 * The report's chart, built from the customer's statement (financial rows, newest first): the
 * credit report endpoint gives totals only, while the statement carries every delivery and
 * received payment with its date and the running balance. Pure functions, tested beside.
 */
export interface StatementRow {
  date: string; // YYYY-MM-DD
  type: string;
  reference: number;
  debit?: string | null;
  credit?: string | null;
  balance?: string | null;
}

/** Months of history the chart covers (this month and the eleven before it). */
export const CHART_MONTHS = 12;
/** The days-to-pay chart shows at most this many of the latest deliveries. */
export const CHART_DELIVERIES = 30;

export interface MonthTotals {
  month: string; // YYYY-MM
  delivered: bigint; // cents
  received: bigint; // cents
}

export interface DeliveryDays {
  date: string;
  reference: number;
  amount: bigint; // cents
  /** Amount-weighted days: paid slices by their payment date, an unpaid rest by its age today. */
  days: number;
  /** Something of the delivery is still unpaid (its days are still growing). */
  open: boolean;
}

const cents = (value: string | null | undefined): bigint => (value ? toCents(value) : 0n);

function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y!, m! - 1, d!) / 86_400_000;
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** `YYYY-MM` moved by `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number);
  const index = y! * 12 + (m! - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The first month of the chart's window ending at today's month. */
export function windowStart(today: string, months = CHART_MONTHS): string {
  return addMonths(today.slice(0, 7), -(months - 1));
}

/**
 * The first month whose rows are all loaded. `complete`: the statement's first row is loaded
 * (the customer's whole history); otherwise the oldest loaded month may be cut by the page
 * boundary, so it starts after it.
 */
export function firstFullMonth(
  entries: readonly StatementRow[],
  today: string,
  complete: boolean,
  months = CHART_MONTHS,
): string {
  const start = windowStart(today, months);
  const oldest = entries.at(-1);
  if (!oldest) return today.slice(0, 7);
  const oldestMonth = oldest.date.slice(0, 7);
  const first = complete ? oldestMonth : addMonths(oldestMonth, 1);
  return first > start ? first : start;
}

/** Delivered and received per month from `from` to today's month, empty months included. */
export function monthlyTotals(
  entries: readonly StatementRow[],
  today: string,
  from: string,
): MonthTotals[] {
  const last = today.slice(0, 7);
  const byMonth = new Map<string, MonthTotals>();
  for (let month = from; month <= last; month = addMonths(month, 1)) {
    byMonth.set(month, { month, delivered: 0n, received: 0n });
  }
  for (const row of entries) {
    const totals = byMonth.get(row.date.slice(0, 7));
    if (!totals) continue;
    if (row.type === "delivery") totals.delivered += cents(row.debit);
    if (row.type === "payment") totals.received += cents(row.credit);
  }
  return [...byMonth.values()];
}

/**
 * Days taken to pay each delivery, with the credit report's rule: received payments pay the
 * deliveries first in, first out by date; a slice counts max(0, received − delivered) days;
 * credit held before a delivery pays it at 0 days. The loaded rows may start mid-history: the
 * balance before the oldest loaded row says what came before (a debt, which the first payments
 * settle, or a credit, which pays the first deliveries), so the days of the loaded deliveries
 * are the same as over the whole history.
 */
export function deliveryDays(
  entries: readonly StatementRow[],
  today: string,
  limit = CHART_DELIVERIES,
): DeliveryDays[] {
  const chronological = [...entries].reverse();
  const oldest = chronological[0];
  if (!oldest) return [];
  const opening = cents(oldest.balance) - cents(oldest.credit) + cents(oldest.debit);
  let debtBefore = opening < 0n ? -opening : 0n;
  const pool: { date: string | null; left: bigint }[] = [];
  if (opening > 0n) pool.push({ date: null, left: opening });
  for (const row of chronological) {
    if (row.type === "payment" && cents(row.credit) > 0n) {
      pool.push({ date: row.date, left: cents(row.credit) });
    }
  }
  let next = 0;
  const take = (wanted: bigint): { date: string | null; amount: bigint } | null => {
    while (next < pool.length && pool[next]!.left === 0n) next += 1;
    const payment = pool[next];
    if (!payment) return null;
    const amount = wanted < payment.left ? wanted : payment.left;
    payment.left -= amount;
    return { date: payment.date, amount };
  };
  while (debtBefore > 0n) {
    const slice = take(debtBefore);
    if (!slice) break;
    debtBefore -= slice.amount;
  }
  const result: DeliveryDays[] = [];
  for (const row of chronological) {
    const amount = cents(row.debit);
    if (row.type !== "delivery" || amount <= 0n) continue;
    let need = amount;
    let weighted = 0n;
    let open = false;
    while (need > 0n) {
      const slice = take(need);
      if (!slice) {
        weighted += need * BigInt(Math.max(0, daysBetween(row.date, today)));
        open = true;
        break;
      }
      const days = slice.date === null ? 0 : Math.max(0, daysBetween(row.date, slice.date));
      weighted += slice.amount * BigInt(days);
      need -= slice.amount;
    }
    // Whole days, half up, as the report rounds its average.
    const days = Number((2n * weighted + amount) / (2n * amount));
    result.push({ date: row.date, reference: row.reference, amount, days, open });
  }
  return result.slice(-limit);
}
