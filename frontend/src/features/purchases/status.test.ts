import { paymentStatusLook } from "./status";

describe("paymentStatusLook", () => {
  it("draws paid green, partial amber and unpaid red", () => {
    expect(paymentStatusLook("paid").color).toBe("green");
    expect(paymentStatusLook("partial").color).toBe("yellow");
    expect(paymentStatusLook("unpaid").color).toBe("red");
  });
});
