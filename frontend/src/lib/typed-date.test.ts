import { describe, expect, it } from "vitest";
import { dateFormat, parseTypedDate } from "./typed-date";

describe("typed dates", () => {
  it("reads day/month/year in pt-BR and month/day/year in en", () => {
    expect(parseTypedDate("03/12/2026", "pt-BR")).toBe("2026-12-03");
    expect(parseTypedDate("12/03/2026", "en")).toBe("2026-12-03");
    expect(dateFormat("pt-BR")).toBe("DD/MM/YYYY");
    expect(dateFormat("en")).toBe("MM/DD/YYYY");
  });
  it("takes short forms a clerk types", () => {
    expect(parseTypedDate("3/2/26", "pt-BR")).toBe("2026-02-03");
    expect(parseTypedDate("03022026", "pt-BR")).toBe("2026-02-03");
    expect(parseTypedDate("2026-02-03", "en")).toBe("2026-02-03");
  });
  it("refuses days that do not exist and other text", () => {
    expect(parseTypedDate("31/02/2026", "pt-BR")).toBeNull();
    expect(parseTypedDate("29/02/2027", "pt-BR")).toBeNull();
    expect(parseTypedDate("29/02/2028", "pt-BR")).toBe("2028-02-29");
    expect(parseTypedDate("ontem", "pt-BR")).toBeNull();
    expect(parseTypedDate("", "pt-BR")).toBeNull();
  });
});
