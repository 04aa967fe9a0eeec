import type { components } from "../../api/schema";

/**
 * The customers feature's query keys, shared by the list and the detail panel: a write
 * invalidates `customerKeys.lists()` (list pages and counts) and the customer's own keys.
 */
export type Customer = components["schemas"]["CustomerOut"];

export const customerKeys = {
  all: ["customers"] as const,
  lists: () => [...customerKeys.all, "list"] as const,
  counts: () => [...customerKeys.all, "counts"] as const,
  detail: (id: number) => [...customerKeys.all, "detail", id] as const,
  audit: (id: number) => [...customerKeys.all, "audit", id] as const,
  duplicates: (query: Record<string, string>) =>
    [...customerKeys.all, "duplicates", query] as const,
};
