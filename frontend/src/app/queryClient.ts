import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "../lib/problem";

/**
 * Cached answers are shown at once and refreshed in the background: 30 s of freshness keeps a
 * clerk moving between customers from refetching on every click. A client error (4xx) is an
 * answer, not a glitch, so it is not retried; network failures and 5xx are retried twice.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      gcTime: 10 * 60_000,
      refetchOnWindowFocus: true,
      retry: (failures, error) => {
        const status = error instanceof ApiError ? error.problem.status : 0;
        if (status >= 400 && status < 500) return false;
        return failures < 2;
      },
    },
    mutations: { retry: false },
  },
});
