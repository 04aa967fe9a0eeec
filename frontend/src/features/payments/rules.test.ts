import { describe, expect, it } from "vitest";
import { dueTone, mayChange, receivedDateProblem, receivedDateRange } from "./rules";

const TODAY = "2026-12-04";
const clerk = { id: 7, permissions: ["payments:read", "payments:write"], today: TODAY } as never;
const manager = {
  id: 8,
  permissions: ["payments:read", "payments:write", "sales:manage"],
  today: TODAY,
} as never;
const reader = { id: 9, permissions: ["payments:read"], today: TODAY } as never;
const by = (
  id: number,
  received_on: string | null,
  status: "held" | "deposited" | "cleared" | "returned" | null = null,
) => ({
  recorded_by: { id, name: "x" },
  received_on,
  cheque: status === null ? null : ({ status } as never),
});

describe("who may edit or delete a payment (rule 3)", () => {
  it("lets a clerk change their own payment received today, later or pending", () => {
    expect(mayChange(by(7, TODAY), clerk)).toBe(true);
    expect(mayChange(by(7, null), clerk)).toBe(true);
    expect(mayChange(by(7, "2026-12-05"), clerk)).toBe(true);
  });
  it("refuses a clerk a payment received before today, even their own", () => {
    expect(mayChange(by(7, "2026-12-03"), clerk)).toBe(false);
  });
  it("refuses a clerk a colleague's payment of today", () => {
    expect(mayChange(by(8, TODAY), clerk)).toBe(false);
  });
  it("lets sales:manage change anyone's payment of any date", () => {
    expect(mayChange(by(7, "2025-01-01"), manager)).toBe(true);
    expect(mayChange(by(1, null), manager)).toBe(true);
  });
  it("allows a held cheque's payment as any other payment", () => {
    expect(mayChange(by(7, TODAY, "held"), clerk)).toBe(true);
  });
  it("refuses everyone, manager included, once the cheque left the drawer", () => {
    for (const status of ["deposited", "cleared", "returned"] as const) {
      expect(mayChange(by(7, TODAY, status), clerk)).toBe(false);
      expect(mayChange(by(7, TODAY, status), manager)).toBe(false);
    }
  });
  it("offers nothing without payments:write or before /auth/me answered", () => {
    expect(mayChange(by(9, TODAY), reader)).toBe(false);
    expect(mayChange(by(7, TODAY), undefined)).toBe(false);
  });
});

describe("received dates (rules 1 and 2)", () => {
  it("refuses the future for everyone", () => {
    expect(receivedDateProblem("2026-12-05", TODAY, false)).toBe("future");
    expect(receivedDateProblem("2026-12-05", TODAY, true)).toBe("future");
  });
  it("refuses backdating without privilege only", () => {
    expect(receivedDateProblem("2026-12-03", TODAY, false)).toBe("backdated");
    expect(receivedDateProblem("2026-12-03", TODAY, true)).toBeNull();
  });
  it("accepts today and pending", () => {
    expect(receivedDateProblem(TODAY, TODAY, false)).toBeNull();
    expect(receivedDateProblem(null, TODAY, false)).toBeNull();
  });
  it("compares calendar days across months and years", () => {
    expect(receivedDateProblem("2026-11-30", "2026-12-01", false)).toBe("backdated");
    expect(receivedDateProblem("2027-01-01", "2026-12-31", true)).toBe("future");
  });
  it("gives the picker its range: up to today; from today without privilege", () => {
    expect(receivedDateRange(TODAY, false)).toEqual({ minDate: TODAY, maxDate: TODAY });
    expect(receivedDateRange(TODAY, true)).toEqual({ minDate: undefined, maxDate: TODAY });
  });
});

describe("the due date's colour", () => {
  const p = (due_date: string, received_on: string | null = null) => ({ due_date, received_on });
  it("is paid once received, whatever the due date", () => {
    expect(dueTone(p("2026-01-01", "2026-01-05"), TODAY)).toBe("paid");
  });
  it("is overdue, due today or upcoming by the business day for a pending payment", () => {
    expect(dueTone(p("2026-12-03"), TODAY)).toBe("overdue");
    expect(dueTone(p(TODAY), TODAY)).toBe("today");
    expect(dueTone(p("2026-12-05"), TODAY)).toBe("upcoming");
  });
});
