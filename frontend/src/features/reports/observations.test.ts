import { observationText, severityColor, type CreditReport } from "./observations";

const report = (behaviour: Partial<CreditReport["behaviour"]>): CreditReport => ({
  customer_id: 1,
  as_of: "2026-12-04",
  orders: {
    count: 7,
    first_order_date: "2025-01-01",
    last_order_date: "2026-11-01",
    total_ordered: "1000.00",
    total_delivered: "800.00",
    outstanding: "500.00",
    indebtedness_percent: 62.5,
  },
  behaviour: {
    average_days_to_pay: null,
    days_since_last_payment: null,
    average_order_value: "142.86",
    oldest_unpaid_days: null,
    ...behaviour,
  },
  observations: [],
  warning: false,
  warning_reasons: [],
});

describe("severityColor", () => {
  it("paints critical red, warning orange and information blue", () => {
    expect(severityColor("critical")).toBe("red");
    expect(severityColor("warning")).toBe("orange");
    expect(severityColor("info")).toBe("blue");
  });
});

describe("observationText", () => {
  const money = (v: string) => `R$ ${v}`;

  it("names the average when it drives the delay", () => {
    const text = observationText(
      { code: "PAYS_LATE", severity: "warning", message: "" },
      report({ average_days_to_pay: 60, oldest_unpaid_days: 40 }),
      money,
    );
    expect(text.key).toBe("observations.PAYS_LATE");
    expect(text.delayKey).toBe("delay.average");
    expect(text.values.days).toBe(60);
  });

  it("names the oldest unpaid delivery when it is older than the average", () => {
    const text = observationText(
      { code: "SLOW_PAYER", severity: "critical", message: "" },
      report({ average_days_to_pay: 20, oldest_unpaid_days: 130 }),
      money,
    );
    expect(text.delayKey).toBe("delay.oldest");
    expect(text.values.days).toBe(130);
    expect(text.values.limit).toBe(120);
  });

  it("uses the warning threshold for a slow payer that is not critical", () => {
    const text = observationText(
      { code: "SLOW_PAYER", severity: "warning", message: "" },
      report({ average_days_to_pay: 100 }),
      money,
    );
    expect(text.values.limit).toBe(90);
  });

  it("formats the money figures it quotes", () => {
    const text = observationText(
      { code: "PROLONGED_HIGH_INDEBTEDNESS", severity: "critical", message: "" },
      report({ oldest_unpaid_days: 95 }),
      money,
    );
    expect(text.values).toMatchObject({
      outstanding: "R$ 500.00",
      delivered: "R$ 800.00",
      percent: 62.5,
      oldest: 95,
    });
  });
});
