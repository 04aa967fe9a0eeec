import { useQuery } from "@tanstack/react-query";
import type { components } from "../api/schema";
import { api, unwrap } from "./api";

/**
 * The stores (GET /stores, readable by every principal): the receivables filters and the
 * administration screens both name stores, so the one query lives here and both share its cache.
 */
export type Store = components["schemas"]["StoreOut"];

export const storesQueryKey = ["stores"] as const;

export async function fetchStores(signal?: AbortSignal): Promise<Store[]> {
  return unwrap(await api.GET("/api/v1/stores", { signal }));
}

export function useStores() {
  return useQuery({
    queryKey: storesQueryKey,
    queryFn: ({ signal }) => fetchStores(signal),
    staleTime: 5 * 60_000,
  });
}

/** "MAIN — Main store", or the id when the store is not (yet) known. */
export function storeLabel(stores: Store[] | undefined, id: number): string {
  const store = stores?.find((s) => s.id === id);
  return store ? `${store.code} — ${store.name}` : `#${id}`;
}
