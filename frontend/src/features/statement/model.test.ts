import {
  anchoredScrollTop,
  balanceTone,
  chronologicalRows,
  descriptionKey,
  downloadName,
  exportQuery,
  formatAmount,
  loadedSummary,
  periodError,
  type StatementEntry,
  type StatementPage,
} from "./model";

const entry = (
  date: string,
  reference: number,
  balance: string | null = "0.00",
): StatementEntry => ({
  date,
  type: balance === null ? "order" : "payment",
  reference,
  description: balance === null ? "Order placed" : "PIX",
  debit: null,
  credit: balance === null ? null : "10.00",
  balance,
});

const page = (
  entries: StatementEntry[],
  from: string,
  to: string,
  received: string,
  delivered: string,
  next: string | null,
): StatementPage => ({
  entries,
  period: { from, to },
  total_received: received,
  total_delivered: delivered,
  total_returned: "0.00",
  next_cursor: next,
});

// Newest first within each page, as the API sends them; page 0 is the newest.
const newest = page(
  [entry("2026-03-03", 6), entry("2026-03-02", 5)],
  "2026-03-02",
  "2026-03-03",
  "20.00",
  "0.00",
  "c1",
);
const earlier = page(
  [entry("2026-02-02", 4), entry("2026-02-01", 3, null)],
  "2026-02-01",
  "2026-03-03",
  "30.00",
  "5.00",
  "c2",
);
const earliest = page(
  [entry("2026-01-02", 2), entry("2026-01-01", 1)],
  "2026-01-01",
  "2026-03-03",
  "50.00",
  "5.00",
  null,
);

describe("chronologicalRows", () => {
  it("draws the loaded pages oldest first", () => {
    const refs = chronologicalRows([newest, earlier, earliest]).map((r) => r.entry.reference);
    expect(refs).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("prepends an earlier page above and keeps the keys of the rows already shown", () => {
    const before = chronologicalRows([newest, earlier]);
    const after = chronologicalRows([newest, earlier, earliest]);
    expect(after.slice(2)).toEqual(before);
    expect(after.slice(0, 2).map((r) => r.entry.reference)).toEqual([1, 2]);
    expect(new Set(after.map((r) => r.key)).size).toBe(after.length);
  });

  it("is empty without pages", () => {
    expect(chronologicalRows([])).toEqual([]);
  });
});

describe("loadedSummary", () => {
  it("takes totals and the start from the oldest loaded page, the end from the newest", () => {
    expect(loadedSummary([newest, earlier])).toEqual({
      from: "2026-02-01",
      to: "2026-03-03",
      totalReceived: "30.00",
      totalDelivered: "5.00",
      totalReturned: "0.00",
      rows: 4,
    });
  });

  it("is zero and open before anything is loaded", () => {
    expect(loadedSummary([])).toEqual({
      from: null,
      to: null,
      totalReceived: "0.00",
      totalDelivered: "0.00",
      totalReturned: "0.00",
      rows: 0,
    });
  });
});

describe("balanceTone", () => {
  it("is green above zero, red below, plain at zero, absent on activity rows", () => {
    expect(balanceTone("0.01")).toBe("positive");
    expect(balanceTone("-0.01")).toBe("negative");
    expect(balanceTone("-1250.00")).toBe("negative");
    expect(balanceTone("0.00")).toBe("zero");
    expect(balanceTone(null)).toBeNull();
  });
});

describe("anchoredScrollTop", () => {
  it("moves down by what was added above", () => {
    expect(anchoredScrollTop(0, 1000, 2800)).toBe(1800);
    expect(anchoredScrollTop(120, 1000, 2800)).toBe(1920);
  });

  it("never goes above the top", () => {
    expect(anchoredScrollTop(0, 1000, 960)).toBe(0);
  });
});

describe("periodError", () => {
  it("accepts open ends and a well-ordered period up to today", () => {
    expect(periodError({ from: "", to: "" }, "2026-12-04")).toBeNull();
    expect(periodError({ from: "2026-01-01", to: "2026-12-04" }, "2026-12-04")).toBeNull();
    expect(periodError({ from: "2026-12-04", to: "2026-12-04" }, "2026-12-04")).toBeNull();
  });

  it("refuses a start after the end, an end after today and impossible dates", () => {
    expect(periodError({ from: "2026-02-01", to: "2026-01-31" }, "2026-12-04")).toBe("fromAfterTo");
    expect(periodError({ from: "", to: "2026-12-05" }, "2026-12-04")).toBe("toAfterToday");
    expect(periodError({ from: "2026-02-30", to: "" }, "2026-12-04")).toBe("fromInvalid");
    expect(periodError({ from: "", to: "31/12/2026" }, "2026-12-04")).toBe("toInvalid");
  });
});

describe("exportQuery", () => {
  it("leaves out empty ends and a false filter", () => {
    expect(exportQuery("csv", { from: "", to: "" }, false)).toEqual({ format: "csv" });
    expect(exportQuery("pdf", { from: "2026-01-01", to: "2026-01-31" }, true)).toEqual({
      format: "pdf",
      from: "2026-01-01",
      to: "2026-01-31",
      financial_only: true,
    });
  });
});

describe("downloadName", () => {
  it("uses the server's file name, else one of its own", () => {
    expect(downloadName('attachment; filename="statement-42.pdf"', 42, "pdf")).toBe(
      "statement-42.pdf",
    );
    expect(downloadName("attachment; filename*=UTF-8''extrato%2042.csv", 42, "csv")).toBe(
      "extrato 42.csv",
    );
    expect(downloadName(null, 42, "csv")).toBe("statement-42.csv");
  });
});

describe("descriptionKey", () => {
  it("maps the server's descriptions to catalog keys", () => {
    expect(descriptionKey({ type: "payment", description: "CASH" })).toEqual({
      key: "methods.CASH",
    });
    expect(descriptionKey({ type: "delivery", description: "Partial delivery 3" })).toEqual({
      key: "partial",
      n: 3,
    });
    expect(descriptionKey({ type: "delivery", description: "Ready for collection" })).toEqual({
      key: "awaitingCollection",
    });
    expect(descriptionKey({ type: "order", description: "Order placed" })).toEqual({
      key: "orderPlaced",
    });
    expect(descriptionKey({ type: "returned_cheque", description: "Returned cheque" })).toEqual({
      key: "returnedCheque",
    });
    expect(descriptionKey({ type: "delivery", description: "Something new" })).toBeNull();
  });
});

describe("formatAmount", () => {
  it("writes grid amounts without the sign, exact to the cent", () => {
    expect(formatAmount("-29319.30", "pt-BR")).toBe("-29.319,30");
    expect(formatAmount("1234567890.05", "pt-BR")).toBe("1.234.567.890,05");
    expect(formatAmount("0.10", "en")).toBe("0.10");
  });
});
