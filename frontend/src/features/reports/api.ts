import { useQuery } from "@tanstack/react-query";
import type { components } from "../../api/schema";
import { api, unwrap } from "../../lib/api";
import { ledgerKeys } from "../../lib/ledger-keys";
import type { StatementRow } from "./history";
import { windowStart } from "./history";
import type { CreditReport } from "./observations";

/**
 * The Report tab's server state. Keys start with `ledgerKeys.customer(id)`, so a payment, a
 * sale or a merge that invalidates the customer's ledger refreshes the report and its chart.
 */
type StatementPage = components["schemas"]["StatementPage"];

export const reportKeys = {
  report: (customerId: number) => [...ledgerKeys.customer(customerId), "report"] as const,
  history: (customerId: number, from: string) =>
    [...ledgerKeys.customer(customerId), "report", "history", from] as const,
};

/** At most this many statement pages (50 rows each) are read for the chart. */
export const HISTORY_MAX_PAGES = 20;

export function useCreditReport(customerId: number) {
  return useQuery({
    queryKey: reportKeys.report(customerId),
    queryFn: async (): Promise<CreditReport> =>
      unwrap(
        await api.GET("/api/v1/customers/{customer_id}/report", {
          params: { path: { customer_id: customerId } },
        }),
      ),
  });
}

export interface LoadedHistory {
  /** Financial statement rows, newest first. */
  entries: StatementRow[];
  /** The statement's first row is among them: the whole history is loaded. */
  complete: boolean;
}

/**
 * The statement's financial rows back to the start of the chart's window (or the start of the
 * history), at most HISTORY_MAX_PAGES pages, so a customer buying every day costs a bounded read.
 */
export async function fetchHistory(
  customerId: number,
  today: string,
  signal?: AbortSignal,
): Promise<LoadedHistory> {
  const from = `${windowStart(today)}-01`;
  const entries: StatementRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < HISTORY_MAX_PAGES; page += 1) {
    const data: StatementPage = unwrap(
      await api.GET("/api/v1/customers/{customer_id}/statement", {
        params: {
          path: { customer_id: customerId },
          query: { financial_only: true, limit: 50, ...(cursor ? { cursor } : {}) },
        },
        signal,
      }),
    );
    entries.push(...data.entries);
    cursor = data.next_cursor ?? null;
    if (!cursor) return { entries, complete: true };
    const oldest = entries.at(-1);
    if (oldest && oldest.date < from) break;
  }
  return { entries, complete: false };
}

export function useReportHistory(customerId: number, today: string | undefined) {
  return useQuery({
    queryKey: reportKeys.history(customerId, today ?? ""),
    queryFn: ({ signal }) => fetchHistory(customerId, today!, signal),
    enabled: Boolean(today),
  });
}
