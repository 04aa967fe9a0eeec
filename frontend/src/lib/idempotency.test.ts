import { createIdempotencyKeeper } from "./idempotency";

describe("idempotency keys", () => {
  it("reuses one key for the retries of one action and makes a new one for the next", () => {
    const keeper = createIdempotencyKeeper();
    const first = keeper.key();
    expect(keeper.key()).toBe(first); // a retry after a lost answer
    keeper.done();
    const second = keeper.key();
    expect(second).not.toBe(first);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives separate actions separate keys", () => {
    expect(createIdempotencyKeeper().key()).not.toBe(createIdempotencyKeeper().key());
  });
});
