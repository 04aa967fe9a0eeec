import { infiniteQueryOptions } from "@tanstack/react-query";
import type { components } from "../../api/schema";
import { api, unwrap } from "../../lib/api";
import { ApiError, networkProblem, parseProblem } from "../../lib/problem";
import { getToken } from "../../lib/session";

/**
 * The receivables feature's server state: the ageing report (GET /reports/receivables-ageing,
 * `sales:manage`) and the overdue list (GET /reports/overdue, `payments:read`), both cursor-paged
 * exactly as the API pages them, and the ageing's CSV export.
 */
export type AgeingReport = components["schemas"]["AgeingReport"];
export type AgeingRow = components["schemas"]["AgeingRow"];
export type AgeingBuckets = components["schemas"]["AgeingBuckets"];
export type OverdueItem = components["schemas"]["OverdueItem"];
export type OverduePage = components["schemas"]["Page_OverdueItem_"];

/** What both reports filter on; `asOf` null = the business's today (the server decides). */
export interface AgeingFilters {
  asOf: string | null;
  storeId: number | null;
}

export const AGEING_PAGE_SIZE = 100;
export const OVERDUE_PAGE_SIZE = 50;

export const receivablesKeys = {
  all: ["receivables"] as const,
  ageing: (filters: AgeingFilters) => ["receivables", "ageing", filters] as const,
  overdue: (storeId: number | null) => ["receivables", "overdue", storeId] as const,
};

function ageingParams(filters: AgeingFilters) {
  return {
    ...(filters.asOf ? { as_of: filters.asOf } : {}),
    ...(filters.storeId ? { store_id: filters.storeId } : {}),
  };
}

export async function fetchAgeingPage(
  filters: AgeingFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<AgeingReport> {
  const query = {
    ...ageingParams(filters),
    limit: AGEING_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
  return unwrap(
    await api.GET("/api/v1/reports/receivables-ageing", { params: { query }, signal }),
  ) as AgeingReport;
}

export async function fetchOverduePage(
  storeId: number | null,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<OverduePage> {
  const query = {
    limit: OVERDUE_PAGE_SIZE,
    ...(storeId ? { store_id: storeId } : {}),
    ...(cursor ? { cursor } : {}),
  };
  return unwrap(await api.GET("/api/v1/reports/overdue", { params: { query }, signal }));
}

/** The first visit's filters: today, every store. */
export const DEFAULT_AGEING_FILTERS: AgeingFilters = { asOf: null, storeId: null };

/** One definition of the ageing query, for the screen and for the route's early prefetch. */
export function ageingQuery(filters: AgeingFilters) {
  return infiniteQueryOptions({
    queryKey: receivablesKeys.ageing(filters),
    queryFn: ({ pageParam, signal }) => fetchAgeingPage(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last: AgeingReport) => last.next_cursor,
    staleTime: 60_000,
  });
}

/** The file name the server proposes (Content-Disposition), else one naming the date. */
export function csvFileName(disposition: string | null, asOf: string | null): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? "");
  if (m?.[1]) return decodeURIComponent(m[1]);
  return `receivables-ageing-${asOf ?? "today"}.csv`;
}

/**
 * Downloads the ageing CSV (every customer, the server's TOTAL line). A plain link cannot carry
 * the bearer token, so the file is fetched with it and handed to the browser as a blob.
 */
export async function downloadAgeingCsv(filters: AgeingFilters): Promise<string> {
  const params = new URLSearchParams({ format: "csv" });
  for (const [k, v] of Object.entries(ageingParams(filters))) params.set(k, String(v));
  const token = getToken();
  let response: Response;
  try {
    response = await fetch(`/api/v1/reports/receivables-ageing?${params}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  } catch (error) {
    throw new ApiError(networkProblem(error));
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => ({}));
    throw new ApiError(parseProblem(response.status, body, response.headers));
  }
  const blob = await response.blob();
  const name = csvFileName(response.headers.get("Content-Disposition"), filters.asOf);
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
