import type { QueryClient } from "@tanstack/react-query";
import { ageingQuery, DEFAULT_AGEING_FILTERS } from "./api";

/**
 * Starts the ageing's first page while the screen's code is still downloading (the route's
 * loader calls it), so the request and the chunk load overlap instead of following each other.
 * Kept apart from index.ts so the router can import it without pulling in the screen.
 */
export function prefetchAgeing(client: QueryClient): void {
  void client.prefetchInfiniteQuery(ageingQuery(DEFAULT_AGEING_FILTERS));
}
