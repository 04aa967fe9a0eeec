import { confirmationMatches, expectedConfirmation } from "./confirm";

describe("the merge confirmation", () => {
  const source = { number: 1806, name: "LARISSA TEIXEIRA" };

  it("asks for the duplicate's number", () => {
    expect(expectedConfirmation(source)).toBe("1806");
  });

  it("accepts the number, with spaces, # or Nº before it", () => {
    for (const typed of ["1806", " 1806 ", "#1806", "# 1806", "Nº 1806", "nº1806", "no. 1806"]) {
      expect(confirmationMatches(typed, source), typed).toBe(true);
    }
  });

  it("refuses anything else", () => {
    for (const typed of [
      "",
      "180",
      "18060",
      "1418",
      "01806",
      "1806a",
      "LARISSA TEIXEIRA",
      "1 806",
    ]) {
      expect(confirmationMatches(typed, source), typed).toBe(false);
    }
  });

  it("asks for the exact name of a customer without a number", () => {
    const unnumbered = { number: null, name: "Venda rápida" };
    expect(expectedConfirmation(unnumbered)).toBe("Venda rápida");
    expect(confirmationMatches(" Venda rápida ", unnumbered)).toBe(true);
    expect(confirmationMatches("venda rápida", unnumbered)).toBe(false);
    expect(confirmationMatches("", unnumbered)).toBe(false);
  });
});
