import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { components } from "../../api/schema";
import { api, unwrap } from "../../lib/api";
import { ledgerKeys } from "../../lib/ledger-keys";

export type Purchase = components["schemas"]["Purchase"];
export type Order = components["schemas"]["OrderOut"];

/** Keys start with the customer's ledger key: a payment refreshes the payment statuses. */
export const purchaseKeys = {
  list: (customerId: number) => [...ledgerKeys.customer(customerId), "purchases"] as const,
  order: (customerId: number, orderId: number) =>
    [...ledgerKeys.customer(customerId), "order", orderId] as const,
};

export const PURCHASES_PAGE_SIZE = 50;

export function usePurchases(customerId: number) {
  return useInfiniteQuery({
    queryKey: purchaseKeys.list(customerId),
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET("/api/v1/customers/{customer_id}/purchases", {
          params: {
            path: { customer_id: customerId },
            query: { limit: PURCHASES_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** The order behind a purchase, with its deliveries. */
export function useOrder(customerId: number, orderId: number | null) {
  return useQuery({
    queryKey: purchaseKeys.order(customerId, orderId ?? 0),
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/v1/orders/{order_id}", {
          params: { path: { order_id: orderId! } },
          signal,
        }),
      ),
    enabled: orderId !== null,
  });
}
