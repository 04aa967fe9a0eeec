import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { components, operations } from "../../api/schema";
import { api, unwrap } from "../../lib/api";
import { chequeListKey, takeChequeStep } from "../../lib/cheque-lifecycle";
import { newIdempotencyKey } from "../../lib/idempotency";
import { problemOf, type ApiProblem } from "../../lib/problem";

export type ChequeItem = components["schemas"]["ChequeListItem"];
export type ChequeListQuery = NonNullable<operations["cheques-list"]["parameters"]["query"]>;
export type Store = components["schemas"]["StoreOut"];

export const PAGE_SIZE = 50;

export function useChequeList(query: ChequeListQuery) {
  return useInfiniteQuery({
    queryKey: [...chequeListKey, "list", query] as const,
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/cheques", {
          params: {
            query: { ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? null,
  });
}

export function useStores() {
  return useQuery({
    queryKey: ["stores"] as const,
    queryFn: async () => unwrap(await api.GET("/api/v1/stores")),
    staleTime: 10 * 60_000,
  });
}

export interface DepositFailure {
  item: ChequeItem;
  problem: ApiProblem;
}

/**
 * Deposits several cheques on one date: one request per cheque, each with its own
 * Idempotency-Key, one after the other (the till's server is small). A refusal does not stop
 * the others; it is returned with its cheque.
 */
export async function depositMany(
  items: readonly ChequeItem[],
  on: string,
): Promise<{ deposited: ChequeItem[]; failures: DepositFailure[] }> {
  const deposited: ChequeItem[] = [];
  const failures: DepositFailure[] = [];
  for (const item of items) {
    try {
      await takeChequeStep(item.payment_id, "deposit", { on }, newIdempotencyKey());
      deposited.push(item);
    } catch (error) {
      failures.push({ item, problem: problemOf(error) });
    }
  }
  return { deposited, failures };
}
