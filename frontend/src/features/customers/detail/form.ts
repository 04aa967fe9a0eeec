import type { Customer } from "../api";
import {
  cepProblem,
  formatMoneyInput,
  maskCep,
  maskPhone,
  maskTaxId,
  onlyDigits,
  parseMoneyInput,
  phoneProblem,
  taxIdProblem,
} from "./br";
import type { CustomerPatchBody } from "./queries";

/** The Details form's text fields, in the order of the screen reference. */
export const TEXT_FIELDS = [
  "name",
  "trade_name",
  "contact",
  "phone",
  "email",
  "address",
  "address_number",
  "complement",
  "neighbourhood",
  "city",
  "state",
  "postal_code",
  "country",
  "tax_id",
  "legacy_rg_ie",
  "legacy_registration",
  "notes",
  "credit_limit",
  "next_invoice_date",
  "billing_instructions",
] as const;
export const FLAG_FIELDS = ["active", "blocked"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export type FlagField = (typeof FLAG_FIELDS)[number];
export type FieldName = TextField | FlagField;
export type FormValues = Record<TextField, string> & Record<FlagField, boolean>;
export type FieldErrors = Partial<Record<FieldName, string>>;

/** Only `sales:manage` (or the owner) sets these (403 credit-control-required otherwise). */
export const CREDIT_FIELDS: readonly FieldName[] = ["credit_limit", "blocked"];

export function emptyValues(): FormValues {
  const values = Object.fromEntries(TEXT_FIELDS.map((f) => [f, ""])) as Record<TextField, string>;
  return { ...values, active: true, blocked: false };
}

/** What the form shows for a customer: masked documents, money in the UI's notation. */
export function valuesOf(customer: Customer, locale: string): FormValues {
  const values = emptyValues();
  for (const field of TEXT_FIELDS) {
    const raw = customer[field];
    values[field] = raw === null || raw === undefined ? "" : String(raw);
  }
  values.tax_id = values.tax_id ? maskTaxId(values.tax_id) : "";
  values.postal_code = values.postal_code ? maskCep(values.postal_code) : "";
  values.credit_limit = formatMoneyInput(customer.credit_limit, locale);
  values.active = customer.active;
  values.blocked = customer.blocked;
  return values;
}

/** A field's value as the API takes it: null for blank, digits for the tax id, money decimal. */
export function wireValue(field: FieldName, values: FormValues): string | boolean | null {
  if (field === "active" || field === "blocked") return values[field];
  const text = values[field].trim();
  if (field === "name") return text;
  if (text === "") return null;
  if (field === "tax_id") return onlyDigits(text);
  if (field === "credit_limit") return parseMoneyInput(text);
  return text;
}

/** The fields whose value differs from the record's, as a PATCH body. */
export function changedFields(values: FormValues, base: FormValues): CustomerPatchBody {
  const body: Record<string, unknown> = {};
  for (const field of [...TEXT_FIELDS, ...FLAG_FIELDS]) {
    if (wireValue(field, values) !== wireValue(field, base)) body[field] = wireValue(field, values);
  }
  return body as CustomerPatchBody;
}

export function isDirty(values: FormValues, base: FormValues): boolean {
  return Object.keys(changedFields(values, base)).length > 0;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/**
 * Checks made before sending (keys of the `customer-details:errors` catalog); the server
 * checks again and its `errors[].field` messages land on the same fields.
 */
export function validate(values: FormValues): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  if (values.name.trim() === "") errors.name = "required";
  const tax = taxIdProblem(values.tax_id);
  if (tax) errors.tax_id = tax === "length" ? "taxIdLength" : "taxIdCheck";
  const phone = phoneProblem(values.phone);
  if (phone) errors.phone = phone === "length" ? "phoneLength" : "phoneMobile";
  if (cepProblem(values.postal_code)) errors.postal_code = "cep";
  // A plain shape check; the server's stricter rule answers with its own message.
  if (values.email.trim() && !EMAIL.test(values.email.trim())) errors.email = "email";
  if (values.credit_limit.trim() && parseMoneyInput(values.credit_limit) === null) {
    errors.credit_limit = "money";
  }
  return errors;
}

/** Input masks applied while typing. */
export function masked(field: TextField, value: string): string {
  switch (field) {
    case "tax_id":
      return maskTaxId(value);
    case "phone":
      return maskPhone(value);
    case "postal_code":
      return maskCep(value);
    default:
      return value;
  }
}
