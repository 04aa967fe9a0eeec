import { act, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, networkProblem, parseProblem } from "../../../lib/problem";
import { useSaver } from "./useSaver";

function setOnline(value: boolean) {
  Object.defineProperty(navigator, "onLine", { configurable: true, get: () => value });
}

afterEach(() => {
  setOnline(true);
  vi.useRealTimers();
});

describe("a save's Idempotency-Key", () => {
  it("is reused by the retry after a lost answer, and fresh for the next action", async () => {
    const keys: string[] = [];
    let answers = 0;
    const send = async (key: string) => {
      keys.push(key);
      answers += 1;
      if (answers === 1) throw new ApiError(networkProblem(new TypeError("Failed to fetch")));
    };
    const onSaved = vi.fn();
    const { result } = renderHook(() => useSaver(onSaved));
    await act(() => result.current.save(send));
    expect(result.current.state).toEqual({ kind: "lost", attempts: 0 });
    await act(() => result.current.save(send));
    expect(onSaved).toHaveBeenCalledTimes(1);
    await act(() => result.current.save(send));
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it("is retried automatically with the same key after a lost answer", async () => {
    const keys: string[] = [];
    const send = async (key: string) => {
      keys.push(key);
      if (keys.length === 1) throw new ApiError(networkProblem(new TypeError("reset")));
    };
    const onSaved = vi.fn();
    const { result } = renderHook(() => useSaver(onSaved));
    await act(() => result.current.save(send));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1), { timeout: 4000 });
    expect(keys).toEqual([keys[0], keys[0]]);
  });

  it("is dropped after a definite refusal, which shows the problem", async () => {
    const keys: string[] = [];
    const send = async (key: string) => {
      keys.push(key);
      throw new ApiError(parseProblem(403, { type: "backdating-not-allowed", detail: "no" }));
    };
    const { result } = renderHook(() => useSaver(() => undefined));
    await act(() => result.current.save(send));
    expect(result.current.state.kind).toBe("refused");
    await act(() => result.current.save(send));
    expect(keys[1]).not.toBe(keys[0]);
  });

  it("sends nothing while the browser is offline", async () => {
    setOnline(false);
    const send = vi.fn(async () => undefined);
    const { result } = renderHook(() => useSaver(() => undefined));
    await act(() => result.current.save(send));
    expect(send).not.toHaveBeenCalled();
    expect(result.current.state).toEqual({ kind: "not-sent" });
  });
});
