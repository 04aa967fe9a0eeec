import type { components } from "../../api/schema";

export type CreditReport = components["schemas"]["CreditReport"];
export type Observation = components["schemas"]["ReportObservation"];
export type Severity = Observation["severity"];
export type ObservationCode = components["schemas"]["ObservationCode"];

/** The report's thresholds (docs/decisions/reports.md): normal terms, warning, strong. */
export const NORMAL_TERMS_DAYS = 35;
export const WARNING_DAYS = 90;
export const STRONG_DAYS = 120;

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: "red",
  high: "red",
  warning: "orange",
  info: "blue",
};

/** The Mantine colour of an observation: red critical or high, orange warning, blue information. */
export function severityColor(severity: Severity): string {
  return SEVERITY_COLOR[severity] ?? "gray";
}

/**
 * The catalog key and values that say an observation in the UI language. The server's message
 * is English only; the figures come from the report itself, so both languages say the same.
 * The delay is the report's: the worse of the average days to pay and the oldest unpaid age.
 */
export function observationText(
  observation: Observation,
  report: CreditReport,
  money: (value: string) => string,
): { key: string; delayKey: string; values: Record<string, string | number> } {
  const average = report.behaviour.average_days_to_pay ?? null;
  const oldest = report.behaviour.oldest_unpaid_days ?? null;
  const byOldest = oldest !== null && (average === null || oldest > average);
  const delay = byOldest ? oldest : (average ?? 0);
  const delayKey = byOldest ? "delay.oldest" : "delay.average";
  const values: Record<string, string | number> = {
    days: delay,
    oldest: oldest ?? 0,
    count: report.orders.count,
    outstanding: money(report.orders.outstanding),
    delivered: money(report.orders.total_delivered),
    percent: report.orders.indebtedness_percent ?? 0,
    limit: observation.severity === "critical" ? STRONG_DAYS : WARNING_DAYS,
    terms: NORMAL_TERMS_DAYS,
  };
  return { key: `observations.${observation.code}`, delayKey, values };
}
