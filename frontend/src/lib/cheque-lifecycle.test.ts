import { describe, expect, it } from "vitest";
import {
  chequeActions,
  chequeLeftDrawer,
  chequeStatusDate,
  stepEarliest,
  type Cheque,
} from "./cheque-lifecycle";
import type { Me } from "./me";

const clerk = { permissions: ["payments:read", "payments:write"] } as Pick<Me, "permissions">;
const manager = { permissions: ["payments:read", "payments:write", "sales:manage"] } as Pick<
  Me,
  "permissions"
>;
const owner = { permissions: ["owner"] } as Pick<Me, "permissions">;
const reader = { permissions: ["payments:read"] } as Pick<Me, "permissions">;

describe("the steps a status and a user allow (the transition table)", () => {
  it("offers a held cheque only the deposit, to whoever records payments", () => {
    expect(chequeActions("held", clerk)).toEqual(["deposit"]);
    expect(chequeActions("held", manager)).toEqual(["deposit"]);
  });
  it("offers a deposited cheque the clearing to a clerk, never the return", () => {
    expect(chequeActions("deposited", clerk)).toEqual(["clear"]);
  });
  it("offers a deposited cheque the clearing and the return with sales:manage or owner", () => {
    expect(chequeActions("deposited", manager)).toEqual(["clear", "return"]);
    expect(chequeActions("deposited", owner)).toEqual(["clear", "return"]);
  });
  it("never offers the return of a pending cheque (not received: nothing to debit)", () => {
    expect(chequeActions("deposited", manager, false)).toEqual(["clear"]);
    expect(chequeActions("held", manager, false)).toEqual(["deposit"]);
  });
  it("offers nothing on a cleared or returned cheque, whoever asks", () => {
    for (const me of [clerk, manager, owner]) {
      expect(chequeActions("cleared", me)).toEqual([]);
      expect(chequeActions("returned", me)).toEqual([]);
    }
  });
  it("offers nothing to a reader or before /auth/me answered", () => {
    expect(chequeActions("held", reader)).toEqual([]);
    expect(chequeActions("deposited", reader)).toEqual([]);
    expect(chequeActions("deposited", undefined)).toEqual([]);
  });
});

describe("the cheque's lifecycle dates", () => {
  const cheque = {
    status: "held",
    predated_to: "2026-12-01",
    deposited_on: null,
    cleared_on: null,
    returned_on: null,
  } as unknown as Cheque;

  it("knows the paper left the drawer once it is not held", () => {
    expect(chequeLeftDrawer(null)).toBe(false);
    expect(chequeLeftDrawer({ status: "held" })).toBe(false);
    expect(chequeLeftDrawer({ status: "deposited" })).toBe(true);
    expect(chequeLeftDrawer({ status: "returned" })).toBe(true);
  });
  it("dates each status by its step", () => {
    expect(chequeStatusDate(cheque)).toBe("2026-12-01");
    expect(chequeStatusDate({ ...cheque, status: "deposited", deposited_on: "2026-12-02" })).toBe(
      "2026-12-02",
    );
    expect(
      chequeStatusDate({
        ...cheque,
        status: "returned",
        deposited_on: "2026-12-02",
        returned_on: "2026-12-03",
      }),
    ).toBe("2026-12-03");
  });
  it("never dates a deposit before the pre-dated day nor the received date", () => {
    expect(stepEarliest("deposit", cheque, "2026-11-20")).toBe("2026-12-01");
    expect(stepEarliest("deposit", cheque, "2026-12-03")).toBe("2026-12-03");
    expect(stepEarliest("deposit", cheque, null)).toBe("2026-12-01");
  });
  it("never dates a clearing or a return before the deposit", () => {
    const deposited = { ...cheque, deposited_on: "2026-12-02" };
    expect(stepEarliest("clear", deposited, null)).toBe("2026-12-02");
    expect(stepEarliest("return", deposited, "2026-11-01")).toBe("2026-12-02");
  });
});
