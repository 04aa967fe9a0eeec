import { formatMoneyInput, parseMoneyInput } from "../../lib/money-input";
import { maskTaxId, onlyDigits, taxIdProblem } from "../../lib/tax-id";
import type {
  ChequeBatchBody,
  Payment,
  PaymentCreateBody,
  PaymentMethod,
  PaymentPatchBody,
} from "./api";
import { receivedDateProblem } from "./rules";

/**
 * The payment modal's state as typed, and what a save sends. Everything typed stays a string
 * (the amount as the clerk wrote it, the CPF/CNPJ masked); the body carries a decimal string for
 * money, the tax id's digits, null for a blank optional field and for a pending received date.
 */
export const CHEQUE_FIELDS = [
  "predated_to",
  "issuer_tax_id",
  "issuer_name",
  "bank",
  "branch",
  "account",
  "cheque_number",
] as const;
export type ChequeField = (typeof CHEQUE_FIELDS)[number];
export type ChequeValues = Record<ChequeField, string>;

export interface PaymentValues {
  method: PaymentMethod;
  amount: string;
  due_date: string;
  /** The received date; ignored while `pending`. */
  received_on: string;
  pending: boolean;
  /** The order number as a string ("" = none). */
  order_number: string;
  details: string;
  cheque: ChequeValues;
}

/** A message key of the `payments` catalog, per field (`amount`, `cheque.bank`, ...). */
export type FormErrors = Record<string, string>;

export function emptyCheque(): ChequeValues {
  return {
    predated_to: "",
    issuer_tax_id: "",
    issuer_name: "",
    bank: "",
    branch: "",
    account: "",
    cheque_number: "",
  };
}

export function newPaymentValues(today: string): PaymentValues {
  return {
    method: "CASH",
    amount: "",
    due_date: today,
    received_on: today,
    pending: false,
    order_number: "",
    details: "",
    cheque: emptyCheque(),
  };
}

export function valuesOf(payment: Payment, locale: string): PaymentValues {
  const c = payment.cheque;
  return {
    method: payment.method,
    amount: formatMoneyInput(payment.amount, locale),
    due_date: payment.due_date,
    received_on: payment.received_on ?? "",
    pending: payment.received_on === null,
    order_number: payment.order_number === null ? "" : String(payment.order_number),
    details: payment.details ?? "",
    cheque: c
      ? {
          predated_to: c.predated_to,
          issuer_tax_id: maskTaxId(c.issuer_tax_id),
          issuer_name: c.issuer_name,
          bank: c.bank,
          branch: c.branch,
          account: c.account,
          cheque_number: c.cheque_number,
        }
      : emptyCheque(),
  };
}

function blankToNull(value: string): string | null {
  const v = value.trim();
  return v === "" ? null : v;
}

function chequeBody(c: ChequeValues) {
  return {
    predated_to: c.predated_to,
    issuer_tax_id: onlyDigits(c.issuer_tax_id),
    issuer_name: c.issuer_name.trim(),
    bank: c.bank.trim(),
    branch: c.branch.trim(),
    account: c.account.trim(),
    cheque_number: c.cheque_number.trim(),
  };
}

/** The body of POST /customers/{id}/payments for values that passed `validatePayment`. */
export function createBody(v: PaymentValues): PaymentCreateBody {
  return {
    method: v.method,
    amount: parseMoneyInput(v.amount)!,
    due_date: v.due_date || null,
    received_on: v.pending ? null : v.received_on,
    order_number: v.order_number ? Number(v.order_number) : null,
    details: blankToNull(v.details),
    cheque: v.method === "CHEQUE" ? chequeBody(v.cheque) : null,
  };
}

/**
 * The body of PATCH /payments/{id}: only what differs from the payment as read, so an edit
 * of the details never re-sends (and re-judges) a received date nobody touched.
 */
export function patchBody(v: PaymentValues, base: Payment): PaymentPatchBody {
  const now = createBody(v);
  const body: PaymentPatchBody = {};
  if (now.method !== base.method) body.method = now.method;
  if (now.amount !== base.amount) body.amount = now.amount;
  if (now.due_date && now.due_date !== base.due_date) body.due_date = now.due_date;
  if ((now.received_on ?? null) !== base.received_on) body.received_on = now.received_on ?? null;
  if ((now.order_number ?? null) !== base.order_number)
    body.order_number = now.order_number ?? null;
  if ((now.details ?? null) !== (base.details ?? null)) body.details = now.details ?? null;
  if (now.cheque) {
    const before = base.cheque;
    const changed: Record<string, string> = {};
    for (const field of CHEQUE_FIELDS) {
      if (!before || now.cheque[field] !== before[field]) changed[field] = now.cheque[field];
    }
    if (Object.keys(changed).length > 0) body.cheque = changed;
  }
  return body;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function amountProblem(amount: string): string | null {
  if (amount.trim() === "") return "required";
  const parsed = parseMoneyInput(amount);
  if (parsed === null) return "amountInvalid";
  if (/^0+\.00$/.test(parsed)) return "amountPositive";
  if (parsed.split(".")[0]!.length > 13) return "amountInvalid";
  return null;
}

/** Checks of one cheque, keys prefixed with `prefix` (`cheque.` or `cheques.2.`). */
export function chequeProblems(c: ChequeValues, prefix: string): FormErrors {
  const errors: FormErrors = {};
  if (!DATE.test(c.predated_to)) errors[`${prefix}predated_to`] = "required";
  const tax = taxIdProblem(c.issuer_tax_id);
  if (onlyDigits(c.issuer_tax_id) === "") errors[`${prefix}issuer_tax_id`] = "required";
  else if (tax)
    errors[`${prefix}issuer_tax_id`] = tax === "length" ? "taxIdLength" : "taxIdInvalid";
  for (const field of ["issuer_name", "bank", "branch", "account", "cheque_number"] as const) {
    if (c[field].trim() === "") errors[`${prefix}${field}`] = "required";
  }
  return errors;
}

/** What the server would refuse, checked before sending (the server checks again). */
export function validatePayment(
  v: PaymentValues,
  today: string,
  privileged: boolean,
  receivedDateTouched = true,
): FormErrors {
  const errors: FormErrors = {};
  const amount = amountProblem(v.amount);
  if (amount) errors.amount = amount;
  if (!DATE.test(v.due_date)) errors.due_date = "required";
  if (!v.pending) {
    if (!DATE.test(v.received_on)) errors.received_on = "required";
    else if (receivedDateTouched) {
      const p = receivedDateProblem(v.received_on, today, privileged);
      if (p) errors.received_on = p === "future" ? "receivedFuture" : "receivedBackdated";
    }
  }
  if (v.order_number && !/^[1-9]\d{0,14}$/.test(v.order_number))
    errors.order_number = "orderInvalid";
  if (v.method === "CHEQUE") Object.assign(errors, chequeProblems(v.cheque, "cheque."));
  return errors;
}

// --------------------------------------------------------------------------------------------
// The cheque batch: several cheques sharing the order, the due date and the received date.
// --------------------------------------------------------------------------------------------

export interface BatchRow extends ChequeValues {
  /** A stable React key for the row (rows are added and removed). */
  key: number;
  amount: string;
}

let nextRowKey = 1;

export function emptyRow(): BatchRow {
  return { key: nextRowKey++, amount: "", ...emptyCheque() };
}

function addMonth(date: string): string {
  if (!DATE.test(date)) return "";
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m, 1));
  const last = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

function nextNumber(chequeNumber: string): string {
  const m = /^(.*?)(\d+)$/.exec(chequeNumber.trim());
  if (!m) return "";
  const n = (BigInt(m[2]!) + 1n).toString().padStart(m[2]!.length, "0");
  return `${m[1]}${n}`;
}

/**
 * The row added after `previous`: the next cheque of the same book, as instalments usually
 * come (same issuer and account, the next number, a month later, the same amount); every
 * value is only a suggestion the clerk types over.
 */
export function rowAfter(previous: BatchRow | undefined): BatchRow {
  if (!previous) return emptyRow();
  return {
    ...emptyRow(),
    amount: previous.amount,
    predated_to: addMonth(previous.predated_to),
    issuer_tax_id: previous.issuer_tax_id,
    issuer_name: previous.issuer_name,
    bank: previous.bank,
    branch: previous.branch,
    account: previous.account,
    cheque_number: nextNumber(previous.cheque_number),
  };
}

export interface BatchShared {
  order_number: string;
  due_date: string;
  received_on: string;
  pending: boolean;
  details: string;
}

/** A cheque's identity as the server compares it (payments/cheques.py): letters and digits,
 * upper case, no leading zeros. */
export function chequeIdentity(
  c: Pick<ChequeValues, "bank" | "branch" | "account" | "cheque_number">,
) {
  const norm = (s: string) =>
    s
      .replace(/[^0-9A-Za-z]/g, "")
      .toUpperCase()
      .replace(/^0+(?=.)/, "");
  return [c.bank, c.branch, c.account, c.cheque_number].map(norm).join("/");
}

/** Problems of the batch, keyed as the server names them (`cheques.N.field`, N from 0). */
export function validateBatch(
  shared: BatchShared,
  rows: BatchRow[],
  today: string,
  privileged: boolean,
): FormErrors {
  const errors: FormErrors = {};
  if (rows.length === 0) errors.cheques = "batchEmpty";
  if (rows.length > 50) errors.cheques = "batchTooMany";
  if (!DATE.test(shared.due_date)) errors.due_date = "required";
  if (!shared.pending) {
    if (!DATE.test(shared.received_on)) errors.received_on = "required";
    else {
      const p = receivedDateProblem(shared.received_on, today, privileged);
      if (p) errors.received_on = p === "future" ? "receivedFuture" : "receivedBackdated";
    }
  }
  if (shared.order_number && !/^[1-9]\d{0,14}$/.test(shared.order_number)) {
    errors.order_number = "orderInvalid";
  }
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const prefix = `cheques.${i}.`;
    const amount = amountProblem(row.amount);
    if (amount) errors[`${prefix}amount`] = amount;
    Object.assign(errors, chequeProblems(row, prefix));
    const id = chequeIdentity(row);
    if (!errors[`${prefix}cheque_number`] && seen.has(id)) {
      errors[`${prefix}cheque_number`] = "chequeRepeated";
    } else if (!seen.has(id)) seen.set(id, i);
  });
  return errors;
}

/** The body of POST /customers/{id}/payments/cheque-batch. */
export function batchBody(shared: BatchShared, rows: BatchRow[]): ChequeBatchBody {
  const details = blankToNull(shared.details);
  return {
    order_number: shared.order_number ? Number(shared.order_number) : null,
    due_date: shared.due_date || null,
    cheques: rows.map((row) => ({
      amount: parseMoneyInput(row.amount)!,
      ...chequeBody(row),
      received_on: shared.pending ? null : shared.received_on,
      details,
    })),
  };
}

/** The row (from 0) each field error points at, for `cheques.N.field` keys. */
export function rowsWithErrors(errors: FormErrors): number[] {
  const rows = new Set<number>();
  for (const key of Object.keys(errors)) {
    const m = /^cheques\.(\d+)\./.exec(key);
    if (m) rows.add(Number(m[1]));
  }
  return [...rows].sort((a, b) => a - b);
}

/** The sum of the rows' amounts that parse, as a decimal string. */
export function batchTotal(rows: BatchRow[]): string {
  let cents = 0n;
  for (const row of rows) {
    const v = parseMoneyInput(row.amount);
    if (v) cents += BigInt(v.replace(".", ""));
  }
  const s = cents.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
