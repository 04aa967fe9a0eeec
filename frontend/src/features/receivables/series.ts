import { addMoney, compareMoney, toCents } from "../../lib/money";

/**
 * The pure side of the ageing screen: the buckets in their order, the chart's series and rows,
 * and sums over loaded rows. Money stays a decimal string; sums go through integer cents.
 */
export const BUCKETS = ["current", "days_1_30", "days_31_60", "days_61_90", "over_90"] as const;
export type Bucket = (typeof BUCKETS)[number];

export type Buckets = Record<Bucket, string> & { total: string };

/** Colours from the green (fresh) to the red (oldest) end: age reads at a glance. */
export const BUCKET_COLORS: Record<Bucket, string> = {
  current: "teal.6",
  days_1_30: "lime.6",
  days_31_60: "yellow.6",
  days_61_90: "orange.7",
  over_90: "red.8",
};

/** Σ of each bucket and of the total over the given rows. */
export function sumBuckets(rows: readonly Buckets[]): Buckets {
  const out = {
    current: "0.00",
    days_1_30: "0.00",
    days_31_60: "0.00",
    days_61_90: "0.00",
    over_90: "0.00",
    total: "0.00",
  };
  for (const row of rows) {
    for (const b of [...BUCKETS, "total"] as const) out[b] = addMoney(out[b], row[b]);
  }
  return out;
}

/** Whether the buckets add up to the total (the API's invariant, shown if it ever breaks). */
export function bucketsAddUp(row: Buckets): boolean {
  return compareMoney(addMoney(...BUCKETS.map((b) => row[b])), row.total) === 0;
}

/** Each bucket's share of the total in whole per cent (largest remainder: they add up to 100). */
export function bucketShares(row: Buckets): Record<Bucket, number> {
  const total = toCents(row.total);
  const shares = { current: 0, days_1_30: 0, days_31_60: 0, days_61_90: 0, over_90: 0 };
  if (total <= 0n) return shares;
  const parts = BUCKETS.map((b) => {
    const scaled = toCents(row[b]) * 10000n;
    return { b, floor: Number(scaled / total / 100n), rest: Number((scaled / total) % 100n) };
  });
  let left = 100 - parts.reduce((s, p) => s + p.floor, 0);
  for (const p of [...parts].sort((x, y) => y.rest - x.rest)) {
    shares[p.b] = p.floor + (left > 0 && p.rest > 0 ? 1 : 0);
    if (left > 0 && p.rest > 0) left -= 1;
  }
  return shares;
}

/** A chart row: the label and each bucket as a number of currency units (display only). */
export type ChartRow = { label: string; id: number | null } & Record<Bucket, number>;

function units(value: string): number {
  return Number(toCents(value)) / 100;
}

export function chartRow(label: string, id: number | null, row: Buckets): ChartRow {
  const out = { label, id } as ChartRow;
  for (const b of BUCKETS) out[b] = units(row[b]);
  return out;
}

/**
 * The largest debts among the loaded rows, largest first (ties by name), for the stacked bars.
 * The API pages customers by id, so this is "of what is loaded", which the screen says.
 */
export function largestDebts<T extends Buckets & { name: string; customer_id: number }>(
  rows: readonly T[],
  count: number,
): ChartRow[] {
  return [...rows]
    .sort((a, b) => compareMoney(b.total, a.total) || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((r) => chartRow(r.name, r.customer_id, r));
}
