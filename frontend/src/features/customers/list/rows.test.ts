import type { Customer } from "../api";
import { buildRows, moveHighlight } from "./rows";

function customer(id: number, active = true): Customer {
  return { id, active, name: `C${id}` } as Customer;
}

const kinds = (rows: ReturnType<typeof buildRows>) =>
  rows.map((r) => (r.kind === "header" ? `#${r.section}` : r.customer.id));

describe("buildRows", () => {
  it("puts a header before the active and before the inactive customers", () => {
    const rows = buildRows([customer(1), customer(2), customer(3, false)]);
    expect(kinds(rows)).toEqual(["#active", 1, 2, "#inactive", 3]);
  });

  it("starts with the inactive header when only inactive customers match", () => {
    expect(kinds(buildRows([customer(7, false)]))).toEqual(["#inactive", 7]);
  });

  it("keeps an inactive number match first, under its own header", () => {
    const rows = buildRows([customer(9, false), customer(1), customer(2, false)]);
    expect(kinds(rows)).toEqual(["#inactive", 9, "#active", 1, "#inactive", 2]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it("shows a customer once even when two pages both hold it", () => {
    expect(kinds(buildRows([customer(1), customer(2), customer(2)]))).toEqual(["#active", 1, 2]);
  });

  it("is empty for no customers", () => {
    expect(buildRows([])).toEqual([]);
  });
});

describe("moveHighlight", () => {
  const rows = buildRows([customer(1), customer(2), customer(3, false)]);

  it("goes down from nothing to the first customer, skipping the header", () => {
    expect(moveHighlight(rows, null, 1)).toBe(1);
  });

  it("goes up from nothing to the last customer", () => {
    expect(moveHighlight(rows, null, -1)).toBe(4);
  });

  it("skips the section header between active and inactive", () => {
    expect(moveHighlight(rows, 2, 1)).toBe(4);
    expect(moveHighlight(rows, 3, -1)).toBe(2);
  });

  it("stops at both ends", () => {
    expect(moveHighlight(rows, 3, 10)).toBe(4);
    expect(moveHighlight(rows, 1, -10)).toBe(1);
  });

  it("has nothing to move to in an empty list", () => {
    expect(moveHighlight([], null, 1)).toBeNull();
  });
});
