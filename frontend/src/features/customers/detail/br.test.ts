import { describe, expect, it } from "vitest";
import {
  cepProblem,
  formatMoneyInput,
  isValidCnpj,
  isValidCpf,
  maskCep,
  maskPhone,
  maskTaxId,
  parseMoneyInput,
  phoneProblem,
  taxIdProblem,
} from "./br";

describe("CPF and CNPJ", () => {
  it("accepts documents whose check digits match, formatted or not", () => {
    expect(isValidCpf("529.982.247-25")).toBe(true);
    expect(isValidCpf("52998224725")).toBe(true);
    expect(isValidCnpj("11.222.333/0001-81")).toBe(true);
    expect(isValidCnpj("11222333000181")).toBe(true);
  });
  it("refuses a wrong check digit", () => {
    expect(isValidCpf("529.982.247-24")).toBe(false);
    expect(isValidCnpj("11.222.333/0001-82")).toBe(false);
    expect(taxIdProblem("529.982.247-26")).toBe("checkDigits");
  });
  it("refuses a document of one repeated digit although its check digits add up", () => {
    expect(isValidCpf("111.111.111-11")).toBe(false);
    expect(isValidCnpj("00.000.000/0000-00")).toBe(false);
    expect(taxIdProblem("11111111111")).toBe("checkDigits");
  });
  it("refuses a length that is neither a CPF nor a CNPJ; blank is no problem", () => {
    expect(taxIdProblem("1234567890")).toBe("length");
    expect(taxIdProblem("")).toBeNull();
    expect(taxIdProblem("529.982.247-25")).toBeNull();
  });
  it("masks as typed", () => {
    expect(maskTaxId("529982")).toBe("529.982");
    expect(maskTaxId("52998224725")).toBe("529.982.247-25");
    expect(maskTaxId("11222333000181")).toBe("11.222.333/0001-81");
    expect(maskTaxId("112223330001819")).toBe("11.222.333/0001-81");
  });
});

describe("phones", () => {
  it("masks fixed and mobile numbers with area code", () => {
    expect(maskPhone("3133334444")).toBe("(31) 3333-4444");
    expect(maskPhone("31999998888")).toBe("(31) 99999-8888");
    expect(maskPhone("319")).toBe("(31) 9");
  });
  it("leaves international and 0800 numbers as typed", () => {
    expect(maskPhone("+55 31 99999-8888")).toBe("+55 31 99999-8888");
    expect(maskPhone("0800 123 4567")).toBe("0800 123 4567");
  });
  it("checks the length and that an 11-digit number is a mobile", () => {
    expect(phoneProblem("(31) 99999-8888")).toBeNull();
    expect(phoneProblem("(31) 3333-4444")).toBeNull();
    expect(phoneProblem("1234")).toBe("length");
    expect(phoneProblem("(31) 89999-8888")).toBe("mobile");
    expect(phoneProblem("")).toBeNull();
  });
});

describe("CEP", () => {
  it("masks and checks eight digits", () => {
    expect(maskCep("30130010")).toBe("30130-010");
    expect(maskCep("301")).toBe("301");
    expect(cepProblem("30130-010")).toBeNull();
    expect(cepProblem("3013")).toBe("length");
  });
});

describe("money input", () => {
  it("reads pt-BR and plain amounts into a decimal string", () => {
    expect(parseMoneyInput("1.234,56")).toBe("1234.56");
    expect(parseMoneyInput("R$ 1.500")).toBe("1500.00");
    expect(parseMoneyInput("1234.5")).toBe("1234.50");
    expect(parseMoneyInput("0,1")).toBe("0.10");
    expect(parseMoneyInput("007")).toBe("7.00");
  });
  it("refuses what is not an amount (and never rounds a third decimal away)", () => {
    expect(parseMoneyInput("abc")).toBeNull();
    expect(parseMoneyInput("1,234")).toBeNull();
    expect(parseMoneyInput("-5")).toBeNull();
    expect(parseMoneyInput("")).toBeNull();
  });
  it("formats a decimal string for the input", () => {
    expect(formatMoneyInput("1234.56", "pt-BR")).toBe("1.234,56");
    expect(formatMoneyInput("1234567.50", "en")).toBe("1,234,567.50");
    expect(formatMoneyInput(null, "pt-BR")).toBe("");
  });
});
