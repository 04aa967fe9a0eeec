import { describe, expect, it } from "vitest";
import { listQuery, monthOf } from "./filters";

const base = { by: "2026-12-04", status: "held" as const, storeId: null, returnedThisMonth: false };

describe("the Cheques screen's query", () => {
  it("asks for the held cheques due by the day, by default every store", () => {
    expect(listQuery(base, "2026-12-04")).toEqual({
      status: "held",
      predated_to_before: "2026-12-04",
    });
  });
  it("narrows to a store and drops empty filters", () => {
    expect(listQuery({ ...base, status: "", by: "", storeId: 3 }, "2026-12-04")).toEqual({
      store_id: 3,
    });
  });
  it("asks for this month's returns, whatever status and day were chosen", () => {
    expect(listQuery({ ...base, returnedThisMonth: true, storeId: 2 }, "2026-02-10")).toEqual({
      status: "returned",
      returned_from: "2026-02-01",
      returned_to: "2026-02-28",
      store_id: 2,
    });
  });
  it("knows each month's last day, leap years included", () => {
    expect(monthOf("2028-02-29")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(monthOf("2026-12-31")).toEqual({ from: "2026-12-01", to: "2026-12-31" });
  });
});
