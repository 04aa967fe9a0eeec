/**
 * The auth session: the bearer token lives in memory and in sessionStorage, so a reload keeps
 * this tab logged in while another tab (or a closed browser) starts logged out.
 */
const KEY = "custledger.token";

let token: string | null = readStored();
const listeners = new Set<() => void>();

function readStored(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  try {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage unavailable (private mode): the memory copy still holds the session
  }
  listeners.forEach((l) => l());
}

export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where a 401 sends the user: the login page, remembering where they were. */
export function loginPathFor(location: { pathname: string; search: string }): string {
  const here = location.pathname + location.search;
  if (location.pathname === "/login" || here === "/") return "/login";
  return `/login?next=${encodeURIComponent(here)}`;
}

/** A `next` value is followed only when it is a path of this app (never another origin). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) {
    return "/customers";
  }
  return next;
}
