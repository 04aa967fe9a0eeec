import { useSyncExternalStore } from "react";

/**
 * Whether the API is reachable: false after a network failure or a 503, true again after any
 * answered request. The browser's own `navigator.onLine` is combined in `useOnline()`.
 */
let apiReachable = true;
const listeners = new Set<() => void>();

export function setApiReachable(value: boolean): void {
  if (value === apiReachable) return;
  apiReachable = value;
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

function snapshot(): boolean {
  return apiReachable && navigator.onLine;
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, snapshot, () => true);
}
