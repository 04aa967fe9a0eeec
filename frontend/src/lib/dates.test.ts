import { formatDate } from "./dates";

describe("formatDate", () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });

  it("prints the calendar date in the locale's order", () => {
    expect(formatDate("2026-12-31", "pt-BR")).toBe("31/12/2026");
    expect(formatDate("2026-12-31", "en")).toBe("12/31/2026");
  });

  it("never shifts the day, whatever the browser's time zone", () => {
    for (const tz of ["America/Sao_Paulo", "Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
      process.env.TZ = tz;
      expect(formatDate("2026-01-01", "pt-BR")).toBe("01/01/2026");
    }
  });

  it("refuses what is not a date", () => {
    expect(() => formatDate("2026-1-1", "en")).toThrow();
  });
});
