import {
  addMonths,
  daysBetween,
  deliveryDays,
  firstFullMonth,
  monthlyTotals,
  windowStart,
  type StatementRow,
} from "./history";

/** Rows written oldest first for reading; the statement sends them newest first. */
function statement(rows: Omit<StatementRow, "balance" | "reference">[], opening = "0.00") {
  let balance = BigInt(Math.round(Number(opening) * 100));
  const withBalance = rows.map((row, i) => {
    const debit = row.debit ? BigInt(Math.round(Number(row.debit) * 100)) : 0n;
    const credit = row.credit ? BigInt(Math.round(Number(row.credit) * 100)) : 0n;
    balance += credit - debit;
    const abs = balance < 0n ? -balance : balance;
    const text = `${balance < 0n ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
    return { ...row, reference: i + 1, balance: text };
  });
  return withBalance.reverse();
}

describe("months", () => {
  it("moves across years", () => {
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2025-12", 1)).toBe("2026-01");
    expect(addMonths("2026-03", -14)).toBe("2025-01");
  });
  it("counts calendar days without a time zone", () => {
    expect(daysBetween("2026-02-27", "2026-03-01")).toBe(2);
    expect(daysBetween("2025-12-31", "2026-01-01")).toBe(1);
  });
  it("opens the window eleven months before this one", () => {
    expect(windowStart("2026-12-04")).toBe("2026-01");
    expect(windowStart("2026-03-15")).toBe("2025-04");
  });
});

describe("monthlyTotals", () => {
  const rows = statement([
    { date: "2026-10-02", type: "delivery", debit: "100.00" },
    { date: "2026-10-20", type: "payment", credit: "40.00" },
    { date: "2026-12-01", type: "delivery", debit: "10.50" },
    { date: "2026-12-03", type: "payment", credit: "60.25" },
  ]);

  it("sums delivered and received per month in cents, empty months included", () => {
    const months = monthlyTotals(rows, "2026-12-04", "2026-10");
    expect(months).toEqual([
      { month: "2026-10", delivered: 10000n, received: 4000n },
      { month: "2026-11", delivered: 0n, received: 0n },
      { month: "2026-12", delivered: 1050n, received: 6025n },
    ]);
  });

  it("leaves out rows before the first month", () => {
    const months = monthlyTotals(rows, "2026-12-04", "2026-11");
    expect(months.map((m) => m.month)).toEqual(["2026-11", "2026-12"]);
    expect(months[1]!.delivered).toBe(1050n);
  });

  it("starts at the customer's first month when the whole history is loaded", () => {
    expect(firstFullMonth(rows, "2026-12-04", true)).toBe("2026-10");
  });

  it("skips the oldest loaded month when the pages stopped inside it", () => {
    expect(firstFullMonth(rows, "2026-12-04", false)).toBe("2026-11");
  });

  it("never starts before the twelve-month window", () => {
    const old = statement([{ date: "2024-05-02", type: "delivery", debit: "1.00" }]);
    expect(firstFullMonth(old, "2026-12-04", true)).toBe("2026-01");
  });
});

describe("deliveryDays (first in, first out)", () => {
  it("counts a fully paid delivery by its payment date", () => {
    const rows = statement([
      { date: "2026-01-01", type: "delivery", debit: "100.00" },
      { date: "2026-01-31", type: "payment", credit: "100.00" },
    ]);
    expect(deliveryDays(rows, "2026-06-01")).toEqual([
      { date: "2026-01-01", reference: 1, amount: 10000n, days: 30, open: false },
    ]);
  });

  it("weighs partial payments by amount and rounds half up", () => {
    // 50 paid at 30 days, 50 at 35: 32.5 → 33.
    const rows = statement([
      { date: "2026-01-01", type: "delivery", debit: "100.00" },
      { date: "2026-01-31", type: "payment", credit: "50.00" },
      { date: "2026-02-05", type: "payment", credit: "50.00" },
    ]);
    expect(deliveryDays(rows, "2026-06-01")[0]!.days).toBe(33);
  });

  it("lets one payment span two deliveries, oldest first", () => {
    const rows = statement([
      { date: "2026-01-01", type: "delivery", debit: "60.00" },
      { date: "2026-01-11", type: "delivery", debit: "40.00" },
      { date: "2026-02-10", type: "payment", credit: "100.00" },
    ]);
    expect(deliveryDays(rows, "2026-06-01").map((d) => d.days)).toEqual([40, 30]);
  });

  it("ages an unpaid rest until today and marks the delivery open", () => {
    const rows = statement([
      { date: "2026-01-01", type: "delivery", debit: "100.00" },
      { date: "2026-01-11", type: "payment", credit: "50.00" },
    ]);
    // 50 at 10 days, 50 unpaid at 100 days: 55.
    expect(deliveryDays(rows, "2026-04-11")).toEqual([
      { date: "2026-01-01", reference: 1, amount: 10000n, days: 55, open: true },
    ]);
  });

  it("pays a delivery from credit held before it at 0 days", () => {
    const rows = statement([
      { date: "2026-01-01", type: "payment", credit: "500.00" },
      { date: "2026-03-01", type: "delivery", debit: "100.00" },
    ]);
    expect(deliveryDays(rows, "2026-06-01")[0]).toMatchObject({ days: 0, open: false });
  });

  it("lets an older debt before the loaded rows take the first payments", () => {
    // Opening balance −100: the first 100 received pay what came before the loaded rows.
    const rows = statement(
      [
        { date: "2026-03-01", type: "delivery", debit: "50.00" },
        { date: "2026-03-11", type: "payment", credit: "100.00" },
        { date: "2026-03-21", type: "payment", credit: "50.00" },
      ],
      "-100.00",
    );
    expect(deliveryDays(rows, "2026-06-01")[0]).toMatchObject({ days: 20, open: false });
  });

  it("uses credit held before the loaded rows first", () => {
    const rows = statement(
      [
        { date: "2026-03-01", type: "delivery", debit: "100.00" },
        { date: "2026-03-31", type: "payment", credit: "50.00" },
      ],
      "50.00",
    );
    // 50 from credit at 0 days, 50 paid at 30 days: 15.
    expect(deliveryDays(rows, "2026-06-01")[0]).toMatchObject({ days: 15, open: false });
  });

  it("keeps only the latest deliveries", () => {
    const rows = statement(
      Array.from({ length: 5 }, (_, i) => ({
        date: `2026-01-0${i + 1}`,
        type: "delivery",
        debit: "1.00",
      })),
    );
    expect(deliveryDays(rows, "2026-01-10", 2).map((d) => d.date)).toEqual([
      "2026-01-04",
      "2026-01-05",
    ]);
  });

  it("is empty without rows", () => {
    expect(deliveryDays([], "2026-01-10")).toEqual([]);
  });
});
