import { describe, expect, it } from "vitest";
import type { Customer } from "../api";
import { changedFields, emptyValues, validate, valuesOf } from "./form";

const customer = {
  id: 7,
  number: 1007,
  store_id: 1,
  is_quick_sale: false,
  name: "Maria Oliveira",
  trade_name: null,
  contact: null,
  phone: "(31) 99999-8888",
  email: "maria@example.com",
  address: null,
  address_number: null,
  complement: null,
  neighbourhood: null,
  city: "Belo Horizonte",
  state: "MG",
  postal_code: "30130010",
  country: null,
  tax_id: "529.982.247-25",
  legacy_rg_ie: null,
  legacy_registration: null,
  notes: null,
  active: true,
  blocked: false,
  credit_limit: "1500.00",
  next_invoice_date: null,
  billing_instructions: null,
  production: false,
  balance: "-120.50",
  available_credit: "1379.50",
  total_purchases: "120.50",
  created_at: "2026-12-01T12:00:00Z",
  updated_at: "2026-12-01T12:00:00Z",
  version: 3,
} satisfies Customer;

describe("the Details form's values", () => {
  it("shows masked documents and money in the UI's notation", () => {
    const values = valuesOf(customer, "pt-BR");
    expect(values.tax_id).toBe("529.982.247-25");
    expect(values.postal_code).toBe("30130-010");
    expect(values.credit_limit).toBe("1.500,00");
    expect(values.city).toBe("Belo Horizonte");
  });

  it("sends nothing when nothing changed", () => {
    const base = valuesOf(customer, "pt-BR");
    expect(changedFields({ ...base }, base)).toEqual({});
  });

  it("sends only the changed fields, blank as null, money as a decimal string", () => {
    const base = valuesOf(customer, "pt-BR");
    const typed = { ...base, city: "  ", credit_limit: "2.000,5", contact: "Ana", blocked: true };
    expect(changedFields(typed, base)).toEqual({
      city: null,
      credit_limit: "2000.50",
      contact: "Ana",
      blocked: true,
    });
  });

  it("sends the tax id as digits, and a re-masked same document is no change", () => {
    const base = valuesOf(customer, "pt-BR");
    expect(changedFields({ ...base, tax_id: "52998224725" }, base)).toEqual({});
    expect(changedFields({ ...base, tax_id: "11.222.333/0001-81" }, base)).toEqual({
      tax_id: "11222333000181",
    });
  });

  it("refuses a blank name and bad documents before sending", () => {
    const errors = validate({
      ...emptyValues(),
      tax_id: "111.111.111-11",
      phone: "123",
      postal_code: "301",
      credit_limit: "abc",
    });
    expect(errors).toEqual({
      name: "required",
      tax_id: "taxIdCheck",
      phone: "phoneLength",
      postal_code: "cep",
      credit_limit: "money",
    });
  });
});
