import type { components, operations } from "../../api/schema";
import { api, unwrap } from "../../lib/api";

/**
 * The customers feature's server state: query keys, fetchers and (later) mutations. Keys are
 * exported so any write that changes a customer (a payment, an edit, a merge) invalidates what
 * shows it: `queryClient.invalidateQueries({ queryKey: customerListKeys.all })` refreshes every
 * loaded list page and count at once.
 */
export type Customer = components["schemas"]["CustomerOut"];
export type CustomerCounts = components["schemas"]["CustomerCounts"];
export type CustomerPage = components["schemas"]["Page_CustomerOut_"];
type ListQuery = NonNullable<operations["customers-list"]["parameters"]["query"]>;
export type CustomerSort = NonNullable<ListQuery["sort"]>;
export type CustomerStatus = NonNullable<ListQuery["status"]>;

/** What the list panel filters on (the same for the rows and for the counts). */
export interface CustomerListFilters {
  q: string;
  owing: boolean;
}

/** One list source: the filters plus the section and order it reads (`sort` null: default). */
export interface CustomerListSource extends CustomerListFilters {
  status: CustomerStatus;
  sort: CustomerSort | null;
}

/** The detail panel's keys; `lists()` and `counts()` are the list's own (see below). */
export const customerKeys = {
  all: ["customers"] as const,
  lists: () => ["customers", "list"] as const,
  counts: () => ["customers", "list", "counts"] as const,
  detail: (id: number) => ["customers", "detail", id] as const,
  audit: (id: number) => ["customers", "audit", id] as const,
  history: (id: number) => ["customers", "history", id] as const,
  duplicates: (query: Record<string, string>) => ["customers", "duplicates", query] as const,
};

export const customerListKeys = {
  /** Every list page and every count: invalidate this after a write. */
  all: ["customers", "list"] as const,
  pages: (source: CustomerListSource) => [...customerListKeys.all, "pages", source] as const,
  counts: (filters: CustomerListFilters) => [...customerListKeys.all, "counts", filters] as const,
};

function filterQuery(filters: CustomerListFilters) {
  const q = filters.q.trim();
  return { ...(q ? { q } : {}), ...(filters.owing ? { owing: true } : {}) };
}

export async function fetchCustomerPage(
  source: CustomerListSource,
  limit: number,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<CustomerPage> {
  const query = {
    ...filterQuery(source),
    status: source.status,
    ...(source.sort ? { sort: source.sort } : {}),
    limit,
    ...(cursor ? { cursor } : {}),
  };
  return unwrap(await api.GET("/api/v1/customers", { params: { query }, signal }));
}

export async function fetchCustomerCounts(
  filters: CustomerListFilters,
  signal?: AbortSignal,
): Promise<CustomerCounts> {
  const query = filterQuery(filters);
  return unwrap(await api.GET("/api/v1/customers/counts", { params: { query }, signal }));
}
