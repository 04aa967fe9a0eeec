import { addMoney, compareMoney, formatMoney, fromCents, toCents } from "./money";

describe("money", () => {
  it("reads decimal strings as exact integer cents", () => {
    expect(toCents("1234.56")).toBe(123456n);
    expect(toCents("-0.5")).toBe(-50n);
    expect(toCents("7")).toBe(700n);
    expect(() => toCents("1.234")).toThrow();
    expect(() => toCents("1e3")).toThrow();
  });

  it("adds without float error", () => {
    expect(addMoney("0.10", "0.20")).toBe("0.30");
    expect(addMoney("-10.00", "3.33", "3.33", "3.34")).toBe("0.00");
    expect(fromCents(-5n)).toBe("-0.05");
    expect(addMoney("90071992547409.91", "0.01")).toBe("90071992547409.92");
  });

  it("compares by cents", () => {
    expect(compareMoney("10.1", "10.10")).toBe(0);
    expect(compareMoney("-0.01", "0.00")).toBe(-1);
    expect(compareMoney("100.00", "99.99")).toBe(1);
  });

  it("formats in the locale's currency style", () => {
    const nbsp = /\u00a0/g;
    expect(formatMoney("1234.56", "pt-BR", "BRL").replace(nbsp, " ")).toBe("R$ 1.234,56");
    expect(formatMoney("-10.5", "pt-BR", "BRL").replace(nbsp, " ")).toBe("-R$ 10,50");
    expect(formatMoney("1234.56", "en", "BRL")).toBe("R$1,234.56");
    expect(formatMoney("0.29", "en", "USD")).toBe("$0.29");
  });
});
