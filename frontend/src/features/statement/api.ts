import { useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../lib/api";
import { ledgerKeys } from "../../lib/ledger-keys";
import { ApiError, parseProblem } from "../../lib/problem";
import { downloadName, exportQuery, type ExportPeriod, type StatementPage } from "./model";

/** The statement's server state. Keys start with the customer's ledger key, so a payment
 * recorded anywhere (ledger-keys.ts: invalidateCustomerMoney) refreshes the loaded pages. */
export const statementKeys = {
  all: (customerId: number) => [...ledgerKeys.customer(customerId), "statement"] as const,
  pages: (customerId: number, financialOnly: boolean) =>
    [...statementKeys.all(customerId), { financialOnly }] as const,
};

export const STATEMENT_PAGE_SIZE = 50;

export async function fetchStatementPage(
  customerId: number,
  financialOnly: boolean,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<StatementPage> {
  return unwrap(
    await api.GET("/api/v1/customers/{customer_id}/statement", {
      params: {
        path: { customer_id: customerId },
        query: {
          limit: STATEMENT_PAGE_SIZE,
          ...(financialOnly ? { financial_only: true } : {}),
          ...(cursor ? { cursor } : {}),
        },
      },
      signal,
    }),
  );
}

/** Page 0 is the newest; each next page is the earlier period (`next_cursor`). */
export function useStatement(customerId: number, financialOnly: boolean) {
  return useInfiniteQuery({
    queryKey: statementKeys.pages(customerId, financialOnly),
    queryFn: ({ pageParam, signal }) =>
      fetchStatementPage(customerId, financialOnly, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    // Pages are only ever added; comparing loaded rows on each fetch is work for nothing.
    structuralSharing: false,
  });
}

/**
 * Downloads the statement of a period as CSV or PDF. The export needs the bearer token, so the
 * file is fetched through the API client (not a plain link) and handed to the browser as a
 * blob; a refusal (e.g. 422 `statement-too-long` for a PDF) is thrown as an ApiError.
 */
export async function downloadStatement(
  customerId: number,
  customerNumber: number | null,
  format: "csv" | "pdf",
  period: ExportPeriod,
  financialOnly: boolean,
): Promise<string> {
  const result = await api.GET("/api/v1/customers/{customer_id}/statement/export", {
    params: {
      path: { customer_id: customerId },
      query: exportQuery(format, period, financialOnly),
    },
    parseAs: "blob",
  });
  const { response } = result;
  if (!response.ok) {
    throw new ApiError(
      parseProblem(response.status, await problemBody(result.error), response.headers),
    );
  }
  const name = downloadName(response.headers.get("Content-Disposition"), customerNumber, format);
  const url = URL.createObjectURL(result.data as Blob);
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.style.display = "none";
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has handed the blob to the browser's download; release it after this task.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
  return name;
}

/** With `parseAs: "blob"` openapi-fetch reads an error body as text: parse it back to JSON. */
async function problemBody(error: unknown): Promise<unknown> {
  if (error instanceof Blob) error = await error.text();
  if (typeof error === "string") {
    try {
      return JSON.parse(error);
    } catch {
      return { detail: error };
    }
  }
  return error;
}
