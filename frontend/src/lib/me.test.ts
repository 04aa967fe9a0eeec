import { can } from "./me";

describe("can", () => {
  it("owner implies every permission", () => {
    expect(can({ permissions: ["owner"] }, "sales:manage")).toBe(true);
  });
  it("others hold only what they were given", () => {
    const clerk = { permissions: ["customers:read", "payments:write"] } as never;
    expect(can(clerk, "payments:write")).toBe(true);
    expect(can(clerk, "sales:manage")).toBe(false);
    expect(can(undefined, "customers:read")).toBe(false);
  });
});
