import { useCallback, useRef } from "react";

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * One key per user action: `key()` returns the same key until `done()` (the action succeeded
 * or the user changed what they are sending), so a retry after a lost answer never pays twice.
 */
export function createIdempotencyKeeper() {
  let current: string | null = null;
  return {
    key(): string {
      current ??= newIdempotencyKey();
      return current;
    },
    done(): void {
      current = null;
    },
  };
}

export function useIdempotencyKey() {
  const keeper = useRef<ReturnType<typeof createIdempotencyKeeper> | null>(null);
  keeper.current ??= createIdempotencyKeeper();
  const key = useCallback(() => keeper.current!.key(), []);
  const done = useCallback(() => keeper.current!.done(), []);
  return { key, done };
}
