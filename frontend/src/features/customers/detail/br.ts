/**
 * Brazilian documents and numbers as the Details form shows and checks them. The server has the
 * last word (customers/schemas.py); these checks only spare a round trip and mask for display.
 * What is sent: the tax id as its digits, the phone as typed (the server formats it), the CEP
 * masked (`30130-010`), money as a decimal string.
 */

import { onlyDigits } from "../../../lib/tax-id";

export {
  isValidCnpj,
  isValidCpf,
  maskTaxId,
  onlyDigits,
  taxIdProblem,
  type TaxIdProblem,
} from "../../../lib/tax-id";
export { formatMoneyInput, parseMoneyInput } from "../../../lib/money-input";
/**
 * A Brazilian phone while typing: `(31) 3333-4444` (fixed, 10 digits), `(31) 99999-8888`
 * (mobile, 11 digits). A number written with `+` or starting with 0 (0800) is left as typed.
 */
export function maskPhone(value: string): string {
  if (value.trim().startsWith("+") || value.trim().startsWith("0")) return value;
  const n = onlyDigits(value).slice(0, 11);
  if (n.length === 0) return "";
  if (n.length <= 2) return `(${n}`;
  const area = n.slice(0, 2);
  const rest = n.slice(2);
  if (rest.length <= 4) return `(${area}) ${rest}`;
  const split = n.length === 11 ? 5 : 4;
  return `(${area}) ${rest.slice(0, split)}-${rest.slice(split)}`;
}

/** Null, or why the phone is refused: 8 to 15 digits; with area code, a mobile starts with 9. */
export function phoneProblem(value: string): "length" | "mobile" | null {
  const n = onlyDigits(value);
  if (n.length === 0) return null;
  if (n.length < 8 || n.length > 15) return "length";
  const local = !value.trim().startsWith("+") && n[0] !== "0";
  if (local && n.length === 11 && n[2] !== "9") return "mobile";
  return null;
}

/** CEP `30130010` → `30130-010`. */
export function maskCep(value: string): string {
  const n = onlyDigits(value).slice(0, 8);
  return n.length > 5 ? `${n.slice(0, 5)}-${n.slice(5)}` : n;
}

export function cepProblem(value: string): "length" | null {
  const n = onlyDigits(value);
  return n.length === 0 || n.length === 8 ? null : "length";
}

/** The 27 federative units, for the State select. */
export const UFS = [
  "AC",
  "AL",
  "AM",
  "AP",
  "BA",
  "CE",
  "DF",
  "ES",
  "GO",
  "MA",
  "MG",
  "MS",
  "MT",
  "PA",
  "PB",
  "PE",
  "PI",
  "PR",
  "RJ",
  "RN",
  "RO",
  "RR",
  "RS",
  "SC",
  "SE",
  "SP",
  "TO",
] as const;
