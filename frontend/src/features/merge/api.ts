import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "../../api/schema";
import { api, unwrap } from "../../lib/api";
import { invalidateCustomerMoney, ledgerKeys } from "../../lib/ledger-keys";

export type MergePreview = components["schemas"]["MergePreview"];
export type MergeResult = components["schemas"]["MergeResult"];
export type MergeCustomer = components["schemas"]["MergeCustomer"];

/** A customer as a search or the likely-duplicates lookup returns it. */
export interface Candidate {
  id: number;
  number?: number | null;
  name: string;
  trade_name?: string | null;
  tax_id?: string | null;
  phone?: string | null;
  city?: string | null;
  balance: string;
  active: boolean;
  blocked: boolean;
}

/**
 * The Merge tab's server state. Its keys start with "customers" so that the merge's
 * invalidation of every customers query also drops stale searches and previews.
 */
export const mergeKeys = {
  search: (survivorId: number, q: string) => ["customers", "merge-search", survivorId, q] as const,
  likely: (survivorId: number) => ["customers", "merge-likely", survivorId] as const,
  preview: (survivorId: number, sourceId: number) =>
    ["customers", "merge-preview", survivorId, sourceId] as const,
};

/** Name, number or tax id: the customers search matches all three (the number exactly). */
export function useMergeSearch(survivorId: number, q: string) {
  return useQuery({
    queryKey: mergeKeys.search(survivorId, q),
    queryFn: async ({ signal }): Promise<Candidate[]> =>
      unwrap(
        await api.GET("/api/v1/customers", {
          params: { query: { q, status: "all", limit: 20 } },
          signal,
        }),
      ).items.filter((c) => c.id !== survivorId),
    enabled: q.length > 0,
  });
}

/** The likely duplicates of the survivor (same name typed differently, phone, e-mail, tax id). */
export function useLikelyDuplicates(survivor: {
  id: number;
  name: string;
  tax_id?: string | null;
  phone?: string | null;
  email?: string | null;
}) {
  return useQuery({
    queryKey: mergeKeys.likely(survivor.id),
    queryFn: async ({ signal }): Promise<Candidate[]> => {
      const query = {
        name: survivor.name,
        ...(survivor.tax_id ? { tax_id: survivor.tax_id } : {}),
        ...(survivor.phone ? { phone: survivor.phone } : {}),
        ...(survivor.email ? { email: survivor.email } : {}),
      };
      const found = unwrap(
        await api.GET("/api/v1/customers/duplicates", { params: { query }, signal }),
      ).items;
      return found.filter((c) => c.id !== survivor.id && !c.is_quick_sale);
    },
  });
}

export function useMergePreview(survivorId: number, sourceId: number | null) {
  return useQuery({
    queryKey: mergeKeys.preview(survivorId, sourceId ?? 0),
    queryFn: async ({ signal }): Promise<MergePreview> =>
      unwrap(
        await api.GET("/api/v1/customers/{customer_id}/merge-preview", {
          params: { path: { customer_id: survivorId }, query: { source_id: sourceId! } },
          signal,
        }),
      ),
    enabled: sourceId !== null,
    staleTime: 0,
    retry: false,
  });
}

/**
 * The merge itself, with one Idempotency-Key per confirmation (a retry after a lost answer gets
 * the first answer instead of a 404). Afterwards the survivor's header, statement and report are
 * refetched, the duplicate leaves every list, and nothing cached about it is shown again.
 */
export function useMerge(survivorId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ sourceId, key }: { sourceId: number; key: string }) =>
      unwrap(
        await api.POST("/api/v1/customers/{customer_id}/merge", {
          params: { path: { customer_id: survivorId }, header: { "Idempotency-Key": key } },
          body: { source_id: sourceId },
        }),
      ) as MergeResult,
    onSuccess: async (_result, { sourceId }) => {
      queryClient.removeQueries({ queryKey: ledgerKeys.customer(sourceId) });
      await invalidateCustomerMoney(queryClient, survivorId);
    },
  });
}
