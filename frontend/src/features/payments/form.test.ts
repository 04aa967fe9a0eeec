import { describe, expect, it } from "vitest";
import type { Payment } from "./api";
import {
  batchBody,
  batchTotal,
  createBody,
  emptyRow,
  newPaymentValues,
  patchBody,
  rowAfter,
  rowsWithErrors,
  validateBatch,
  validatePayment,
  valuesOf,
  type BatchRow,
  type BatchShared,
} from "./form";

const TODAY = "2026-12-04";
const CHEQUE = {
  predated_to: "2027-01-04",
  issuer_tax_id: "529.982.247-25",
  issuer_name: "Carlos Lima",
  bank: "237",
  branch: "0456",
  account: "778899-1",
  cheque_number: "000101",
};

const stored: Payment = {
  id: 5,
  customer_id: 1,
  order_number: 42,
  recorded_by: { id: 7, name: "Caixa" },
  method: "CHEQUE",
  amount: "320.50",
  due_date: "2027-01-04",
  received_on: TODAY,
  details: null,
  cheque: {
    ...CHEQUE,
    issuer_tax_id: "52998224725",
    status: "held",
    deposited_on: null,
    deposited_by_id: null,
    cleared_on: null,
    cleared_by_id: null,
    returned_on: null,
    returned_by_id: null,
    return_reason: null,
  },
  created_at: "2026-12-04T12:00:00Z",
  updated_at: "2026-12-04T12:00:00Z",
  version: 3,
};

describe("what a new payment sends", () => {
  it("sends money as a decimal string, blanks as null, no cheque for other methods", () => {
    const v = { ...newPaymentValues(TODAY), method: "PIX" as const, amount: "1.234,5" };
    expect(createBody(v)).toEqual({
      method: "PIX",
      amount: "1234.50",
      due_date: TODAY,
      received_on: TODAY,
      order_number: null,
      details: null,
      cheque: null,
    });
  });
  it("sends a pending payment with a null received date and the order as a number", () => {
    const v = {
      ...newPaymentValues(TODAY),
      method: "BOLETO" as const,
      amount: "99,90",
      pending: true,
      order_number: "1017",
      details: "  2ª parcela ",
    };
    const body = createBody(v);
    expect(body.received_on).toBeNull();
    expect(body.order_number).toBe(1017);
    expect(body.details).toBe("2ª parcela");
  });
  it("sends a cheque's issuer tax id as digits", () => {
    const v = {
      ...newPaymentValues(TODAY),
      method: "CHEQUE" as const,
      amount: "10",
      cheque: CHEQUE,
    };
    expect(createBody(v).cheque).toEqual({ ...CHEQUE, issuer_tax_id: "52998224725" });
  });
});

describe("what an edit sends", () => {
  it("sends only what changed, so an untouched received date is not judged again", () => {
    const v = valuesOf(stored, "pt-BR");
    expect(v.amount).toBe("320,50");
    expect(v.cheque.issuer_tax_id).toBe("529.982.247-25");
    expect(patchBody(v, stored)).toEqual({});
    expect(patchBody({ ...v, details: "conferido" }, stored)).toEqual({ details: "conferido" });
    expect(patchBody({ ...v, amount: "321" }, stored)).toEqual({ amount: "321.00" });
  });
  it("sends only the cheque fields that changed", () => {
    const v = valuesOf(stored, "pt-BR");
    const body = patchBody({ ...v, cheque: { ...v.cheque, cheque_number: "000102" } }, stored);
    expect(body).toEqual({ cheque: { cheque_number: "000102" } });
  });
  it("clears the order and makes the payment pending with nulls", () => {
    const v = { ...valuesOf(stored, "pt-BR"), order_number: "", pending: true };
    expect(patchBody(v, stored)).toEqual({ order_number: null, received_on: null });
  });
  it("drops the cheque when the method changes away from CHEQUE", () => {
    const v = { ...valuesOf(stored, "pt-BR"), method: "CASH" as const };
    expect(patchBody(v, stored)).toEqual({ method: "CASH" });
  });
});

describe("checks before sending", () => {
  const base = { ...newPaymentValues(TODAY), amount: "10" };
  it("refuses an empty, zero or malformed amount", () => {
    expect(validatePayment({ ...base, amount: "" }, TODAY, false).amount).toBe("required");
    expect(validatePayment({ ...base, amount: "0,00" }, TODAY, false).amount).toBe(
      "amountPositive",
    );
    expect(validatePayment({ ...base, amount: "1,234" }, TODAY, false).amount).toBe(
      "amountInvalid",
    );
    expect(validatePayment({ ...base, amount: "10,5" }, TODAY, false)).toEqual({});
  });
  it("applies the date rules to the received date, not to a pending payment", () => {
    const back = { ...base, received_on: "2026-12-03" };
    expect(validatePayment(back, TODAY, false).received_on).toBe("receivedBackdated");
    expect(validatePayment(back, TODAY, true)).toEqual({});
    expect(validatePayment({ ...base, received_on: "2026-12-05" }, TODAY, true).received_on).toBe(
      "receivedFuture",
    );
    expect(validatePayment({ ...back, pending: true }, TODAY, false)).toEqual({});
  });
  it("does not judge a received date the edit leaves as it was", () => {
    const old = { ...base, received_on: "2026-11-01" };
    expect(validatePayment(old, TODAY, false, false)).toEqual({});
  });
  it("needs every cheque field and a valid CPF/CNPJ for a cheque", () => {
    const v = {
      ...base,
      method: "CHEQUE" as const,
      cheque: { ...CHEQUE, issuer_tax_id: "111.111.111-11", bank: " " },
    };
    expect(validatePayment(v, TODAY, false)).toEqual({
      "cheque.issuer_tax_id": "taxIdInvalid",
      "cheque.bank": "required",
    });
  });
});

describe("the cheque batch", () => {
  const shared: BatchShared = {
    order_number: "77",
    due_date: "2027-01-04",
    received_on: TODAY,
    pending: false,
    details: "",
  };
  const row = (over: Partial<BatchRow> = {}): BatchRow => ({
    ...emptyRow(),
    amount: "100,00",
    ...CHEQUE,
    ...over,
  });

  it("suggests the next cheque of the same book for a new row", () => {
    const next = rowAfter(row({ predated_to: "2027-01-31", cheque_number: "000109" }));
    expect(next.cheque_number).toBe("000110");
    expect(next.predated_to).toBe("2027-02-28");
    expect(next.issuer_name).toBe("Carlos Lima");
    expect(next.amount).toBe("100,00");
    expect(next.key).not.toBe(row().key);
  });
  it("names each bad row as the server does (cheques.N.field)", () => {
    const errors = validateBatch(
      shared,
      [row(), row({ cheque_number: "000102", amount: "" }), row({ issuer_tax_id: "123" })],
      TODAY,
      false,
    );
    expect(errors).toEqual({
      "cheques.1.amount": "required",
      "cheques.2.issuer_tax_id": "taxIdLength",
      "cheques.2.cheque_number": "chequeRepeated",
    });
    expect(rowsWithErrors(errors)).toEqual([1, 2]);
  });
  it("treats a cheque typed twice with other punctuation or zeros as the same cheque", () => {
    const errors = validateBatch(
      shared,
      [row(), row({ account: "7788991", cheque_number: "101", branch: "456" })],
      TODAY,
      false,
    );
    expect(errors).toEqual({ "cheques.1.cheque_number": "chequeRepeated" });
  });
  it("applies the date rules to the shared received date", () => {
    const back = { ...shared, received_on: "2026-12-01" };
    expect(validateBatch(back, [row()], TODAY, false)).toEqual({
      received_on: "receivedBackdated",
    });
    expect(validateBatch(back, [row()], TODAY, true)).toEqual({});
  });
  it("refuses an empty batch and one over 50 cheques", () => {
    expect(validateBatch(shared, [], TODAY, false).cheques).toBe("batchEmpty");
    const many = Array.from({ length: 51 }, (_, i) => row({ cheque_number: String(i + 1) }));
    expect(validateBatch(shared, many, TODAY, false).cheques).toBe("batchTooMany");
  });
  it("sends the shared order, due date and received date, each cheque's amount as a decimal string", () => {
    const body = batchBody({ ...shared, details: "3x" }, [
      row(),
      row({ amount: "50", cheque_number: "2" }),
    ]);
    expect(body.order_number).toBe(77);
    expect(body.due_date).toBe("2027-01-04");
    expect(body.cheques).toHaveLength(2);
    expect(body.cheques[0]).toEqual({
      amount: "100.00",
      ...CHEQUE,
      issuer_tax_id: "52998224725",
      received_on: TODAY,
      details: "3x",
    });
    expect(body.cheques[1]!.amount).toBe("50.00");
    expect(batchBody({ ...shared, pending: true }, [row()]).cheques[0]!.received_on).toBeNull();
  });
  it("adds the rows' amounts in cents", () => {
    expect(
      batchTotal([row({ amount: "0,10" }), row({ amount: "0,20" }), row({ amount: "x" })]),
    ).toBe("0.30");
  });
});
