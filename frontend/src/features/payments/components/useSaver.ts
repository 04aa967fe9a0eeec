import { useCallback, useEffect, useRef, useState } from "react";
import { useIdempotencyKey } from "../../../lib/idempotency";
import { problemOf, type ApiProblem } from "../../../lib/problem";

export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  /** Not sent: the browser has no connection. Nothing left this machine. */
  | { kind: "not-sent" }
  /** Sent, but no answer came back: it may or may not be recorded; retried with the same key. */
  | { kind: "lost"; attempts: number }
  | { kind: "refused"; problem: ApiProblem };

/** Automatic retries of a save whose answer was lost, then the user's Save retries. */
export const RETRY_DELAYS_MS = [1500, 4000, 10000];

/** Whether an answer leaves the outcome unknown (so the same key must be sent again). */
export function outcomeUnknown(problem: ApiProblem): boolean {
  return (
    problem.kind === "offline" ||
    (problem.status === 409 && problem.type.endsWith("idempotency-key-in-flight"))
  );
}

/**
 * One save of the payment modal. `send(key)` receives the Idempotency-Key of this user action:
 * made at the first attempt, reused by every retry (automatic or by the user) while the outcome
 * is unknown, and dropped only once the server gave a definite answer (saved or refused). With
 * the browser offline nothing is sent. After a lost answer the same request is retried when the
 * browser comes back online and after short delays.
 */
export function useSaver(onSaved: () => void) {
  const { key, done } = useIdempotencyKey();
  const [state, setState] = useState<SaveState>({ kind: "idle" });
  const lastSend = useRef<((key: string) => Promise<void>) | null>(null);
  const busy = useRef(false);

  const attempt = useCallback(
    async (send: (key: string) => Promise<void>, attempts: number) => {
      if (busy.current) return;
      if (!navigator.onLine) {
        setState({ kind: "not-sent" });
        return;
      }
      busy.current = true;
      lastSend.current = send;
      setState({ kind: "saving" });
      try {
        await send(key());
        done();
        lastSend.current = null;
        setState({ kind: "idle" });
        onSaved();
      } catch (error) {
        const problem = problemOf(error);
        if (outcomeUnknown(problem)) {
          setState({ kind: "lost", attempts });
        } else {
          // A definite refusal: the server kept nothing under this key.
          done();
          lastSend.current = null;
          setState({ kind: "refused", problem });
        }
      } finally {
        busy.current = false;
      }
    },
    [key, done, onSaved],
  );

  const save = useCallback((send: (key: string) => Promise<void>) => attempt(send, 0), [attempt]);

  // The automatic retries of a lost answer: the same request, the same key.
  const attempts = state.kind === "lost" ? state.attempts : -1;
  useEffect(() => {
    if (attempts < 0) return;
    const retry = () => {
      if (lastSend.current) void attempt(lastSend.current, attempts + 1);
    };
    window.addEventListener("online", retry);
    const delay = RETRY_DELAYS_MS[attempts];
    const timer = delay === undefined ? undefined : window.setTimeout(retry, delay);
    return () => {
      window.removeEventListener("online", retry);
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [attempts, attempt]);

  return { state, save, setState };
}
