import { useQuery } from "@tanstack/react-query";
import type { components } from "../api/schema";
import { api, unwrap } from "./api";

/**
 * The principal from GET /auth/me. The business-clock fields (API.md, "The session and the
 * business clock") are optional here until the server's schema carries them.
 */
export type Me = components["schemas"]["Me"] & {
  today?: string;
  timezone?: string;
  currency?: string;
  locale?: string;
  version?: string;
};

export const meQueryKey = ["auth", "me"] as const;

export async function fetchMe(): Promise<Me> {
  return unwrap(await api.GET("/api/v1/auth/me")) as Me;
}

export function useMe(enabled = true) {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000, enabled });
}

/** Whether the principal holds a permission; `owner` implies every one. */
export function can(me: Pick<Me, "permissions"> | undefined, permission: string): boolean {
  if (!me) return false;
  const held = me.permissions as string[];
  return held.includes("owner") || held.includes(permission);
}

export function useCan(): (permission: string) => boolean {
  const { data } = useMe();
  return (permission) => can(data, permission);
}
