import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import {
  customerListKeys,
  fetchCustomerCounts,
  fetchCustomerPage,
  type CustomerListFilters,
  type CustomerListSource,
  type CustomerSort,
} from "../api";
import { buildRows } from "./rows";

/** Rows per request: a screenful several times over, small enough to arrive quickly. */
export const PAGE_SIZE = 100;

function useSource(source: CustomerListSource, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: customerListKeys.pages(source),
    queryFn: ({ pageParam, signal }) => fetchCustomerPage(source, PAGE_SIZE, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // The previous search's rows stay on screen while the next one loads.
    placeholderData: keepPreviousData,
    // Pages only ever append: comparing thousands of loaded rows with the previous data on
    // every new page costs a long task for nothing.
    structuralSharing: false,
    enabled,
  });
}

/**
 * The customers the panel shows, active then inactive. The default order ("name") is one source,
 * `status=all`, which the server already sends active first. Any other sort would mix the two,
 * so it reads two sources, `status=active` then `status=inactive` (docs/decisions/frontend.md),
 * the second only once the first is exhausted.
 */
export function useCustomerList(filters: CustomerListFilters, sort: CustomerSort) {
  const split = sort !== "name";
  const first: CustomerListSource = split
    ? { ...filters, status: "active", sort }
    : { ...filters, status: "all", sort: null };
  const second: CustomerListSource = { ...filters, status: "inactive", sort };

  const one = useSource(first, true);
  const firstDone = one.isSuccess && !one.isPlaceholderData && !one.hasNextPage;
  const two = useSource(second, split && firstDone);
  const twoShown = split && firstDone && two.isSuccess && !two.isPlaceholderData;

  const rows = useMemo(() => {
    const customers = (one.data?.pages ?? []).flatMap((page) => page.items);
    if (twoShown) customers.push(...(two.data?.pages ?? []).flatMap((page) => page.items));
    return buildRows(customers);
  }, [one.data, two.data, twoShown]);

  const hasMore = one.hasNextPage || (split && (!twoShown || two.hasNextPage));
  const fetchMore = () => {
    if (one.isPlaceholderData || one.isFetching) return;
    if (one.hasNextPage) void one.fetchNextPage();
    else if (twoShown && two.hasNextPage && !two.isFetching) void two.fetchNextPage();
  };

  return {
    rows,
    hasMore: Boolean(hasMore) && !one.isError && !two.isError,
    fetchMore,
    /** Nothing to show yet (first load): the skeleton. */
    isPending: one.isPending,
    /** Rows on screen are an earlier search's while this one loads. */
    isStale: one.isPlaceholderData,
    isFetching: one.isFetching || two.isFetching,
    /** Every source answered for the current filters (no more loading of a first page). */
    isSettled: !one.isPending && !one.isPlaceholderData && (!split || !firstDone || twoShown),
    error: one.error ?? two.error,
    refetch: () => {
      void one.refetch();
      if (split) void two.refetch();
    },
  };
}

export function useCustomerCounts(filters: CustomerListFilters) {
  return useQuery({
    queryKey: customerListKeys.counts(filters),
    queryFn: ({ signal }) => fetchCustomerCounts(filters, signal),
    placeholderData: keepPreviousData,
  });
}
