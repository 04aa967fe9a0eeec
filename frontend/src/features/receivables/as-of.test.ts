import { describe, expect, it } from "vitest";
import { dateFormatOf, parseTypedDate } from "./as-of";

describe("parseTypedDate", () => {
  it("reads day/month/year in pt-BR and month/day/year in en", () => {
    expect(parseTypedDate("04/12/2026", "pt-BR")).toBe("2026-12-04");
    expect(parseTypedDate("04/12/2026", "en")).toBe("2026-04-12");
    expect(parseTypedDate("4.1.2026", "pt-BR")).toBe("2026-01-04");
  });

  it("accepts ISO in any language", () => {
    expect(parseTypedDate(" 2026-01-31 ", "en")).toBe("2026-01-31");
  });

  it("refuses dates that do not exist instead of rolling them over", () => {
    expect(parseTypedDate("31/02/2026", "pt-BR")).toBeNull();
    expect(parseTypedDate("29/02/2025", "pt-BR")).toBeNull();
    expect(parseTypedDate("29/02/2024", "pt-BR")).toBe("2024-02-29");
    expect(parseTypedDate("13/13/2026", "pt-BR")).toBeNull();
  });

  it("refuses what is not a date", () => {
    expect(parseTypedDate("", "pt-BR")).toBeNull();
    expect(parseTypedDate("ontem", "pt-BR")).toBeNull();
    expect(parseTypedDate("2026-1", "pt-BR")).toBeNull();
  });
});

describe("dateFormatOf", () => {
  it("prints in each language's order", () => {
    expect(dateFormatOf("pt-BR")).toBe("DD/MM/YYYY");
    expect(dateFormatOf("en")).toBe("MM/DD/YYYY");
  });
});
