import type { CustomerSort } from "../api";

/**
 * The list's search, filters and scroll position for this tab: opening a customer changes the
 * route, and the list must come back exactly as the clerk left it. Kept in memory only (a new
 * tab or a reload starts afresh; the divider width is what persists, in localStorage).
 */
export interface ListState {
  q: string;
  owing: boolean;
  sort: CustomerSort;
  scrollOffset: number;
}

export const remembered: ListState = { q: "", owing: false, sort: "name", scrollOffset: 0 };

export function resetRemembered(): void {
  Object.assign(remembered, { q: "", owing: false, sort: "name", scrollOffset: 0 });
}

/** The sorts offered, in the selector's order; "name" is the server's default order. */
export const SORTS: readonly CustomerSort[] = [
  "name",
  "-name",
  "number",
  "-number",
  "balance",
  "-balance",
  "total_purchases",
  "-total_purchases",
  "created_at",
  "-created_at",
];
