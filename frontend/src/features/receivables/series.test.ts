import { describe, expect, it } from "vitest";
import { csvFileName } from "./api";
import {
  bucketShares,
  bucketsAddUp,
  chartRow,
  largestDebts,
  sumBuckets,
  type Buckets,
} from "./series";

function row(
  customer_id: number,
  name: string,
  [current, days_1_30, days_31_60, days_61_90, over_90]: string[],
  total: string,
) {
  return {
    customer_id,
    name,
    current: current!,
    days_1_30: days_1_30!,
    days_31_60: days_31_60!,
    days_61_90: days_61_90!,
    over_90: over_90!,
    total,
  };
}

const a = row(1, "Ana", ["0.10", "0.20", "0.00", "0.00", "100.00"], "100.30");
const b = row(2, "Bruno", ["0.00", "1250.55", "0.05", "3.00", "0.00"], "1253.60");
const c = row(3, "Carla", ["0.00", "0.00", "0.00", "0.00", "100.30"], "100.30");

describe("sumBuckets", () => {
  it("adds each bucket and the total in cents, without float drift", () => {
    expect(sumBuckets([a, b, c])).toEqual({
      current: "0.10",
      days_1_30: "1250.75",
      days_31_60: "0.05",
      days_61_90: "3.00",
      over_90: "200.30",
      total: "1454.20",
    });
  });

  it("is all zeros for no rows", () => {
    expect(sumBuckets([]).total).toBe("0.00");
  });

  it("sums 0.10 ten times to exactly 1.00", () => {
    const dimes = Array.from({ length: 10 }, (_, i) =>
      row(i, "x", ["0.10", "0", "0", "0", "0"], "0.10"),
    );
    expect(sumBuckets(dimes).current).toBe("1.00");
  });
});

describe("bucketsAddUp", () => {
  it("holds when the buckets sum to the total and fails otherwise", () => {
    expect(bucketsAddUp(b)).toBe(true);
    expect(bucketsAddUp({ ...b, total: "1253.61" })).toBe(false);
  });
});

describe("bucketShares", () => {
  it("gives whole per cents that add up to 100 (largest remainder)", () => {
    const thirds: Buckets = {
      current: "1.00",
      days_1_30: "1.00",
      days_31_60: "1.00",
      days_61_90: "0.00",
      over_90: "0.00",
      total: "3.00",
    };
    const shares = bucketShares(thirds);
    expect(shares.current + shares.days_1_30 + shares.days_31_60).toBe(100);
    expect(Object.values(shares).sort()).toEqual([0, 0, 33, 33, 34]);
  });

  it("is all zero when nothing is owed", () => {
    const zero: Buckets = {
      current: "0.00",
      days_1_30: "0.00",
      days_31_60: "0.00",
      days_61_90: "0.00",
      over_90: "0.00",
      total: "0.00",
    };
    expect(Object.values(bucketShares(zero))).toEqual([0, 0, 0, 0, 0]);
  });

  it("gives 100 to a single bucket", () => {
    expect(bucketShares(c).over_90).toBe(100);
  });
});

describe("largestDebts", () => {
  it("orders by total, largest first, ties by name, and keeps the count", () => {
    const chart = largestDebts([a, c, b], 2);
    expect(chart.map((r) => r.label)).toEqual(["Bruno", "Ana"]);
    expect(chart[0]).toMatchObject({ id: 2, days_1_30: 1250.55, days_31_60: 0.05, days_61_90: 3 });
  });

  it("turns decimal strings into currency units for the chart only", () => {
    expect(chartRow("t", null, a)).toEqual({
      label: "t",
      id: null,
      current: 0.1,
      days_1_30: 0.2,
      days_31_60: 0,
      days_61_90: 0,
      over_90: 100,
    });
  });
});

describe("csvFileName", () => {
  it("takes the server's name, else names the date", () => {
    expect(csvFileName('attachment; filename="ageing-2026-12-04.csv"', null)).toBe(
      "ageing-2026-12-04.csv",
    );
    expect(csvFileName(null, "2026-01-31")).toBe("receivables-ageing-2026-01-31.csv");
    expect(csvFileName(null, null)).toBe("receivables-ageing-today.csv");
  });
});
