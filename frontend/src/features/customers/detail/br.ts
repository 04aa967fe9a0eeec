/**
 * Brazilian documents and numbers as the Details form shows and checks them. The server has the
 * last word (customers/schemas.py); these checks only spare a round trip and mask for display.
 * What is sent: the tax id as its digits, the phone as typed (the server formats it), the CEP
 * masked (`30130-010`), money as a decimal string.
 */

export function onlyDigits(value: string): string {
  return value.replace(/\D/g, "");
}

function repeatsOneDigit(number: string): boolean {
  return number.length > 0 && number === number[0]!.repeat(number.length);
}

export function isValidCpf(value: string): boolean {
  const n = onlyDigits(value);
  if (n.length !== 11 || repeatsOneDigit(n)) return false;
  const d = [...n].map(Number);
  for (const size of [9, 10]) {
    let total = 0;
    for (let i = 0; i < size; i++) total += d[i]! * (size + 1 - i);
    if (((total * 10) % 11) % 10 !== d[size]) return false;
  }
  return true;
}

const CNPJ_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

export function isValidCnpj(value: string): boolean {
  const n = onlyDigits(value);
  if (n.length !== 14 || repeatsOneDigit(n)) return false;
  const d = [...n].map(Number);
  for (const size of [12, 13]) {
    const weights = CNPJ_WEIGHTS.slice(13 - size);
    let total = 0;
    for (let i = 0; i < size; i++) total += d[i]! * weights[i]!;
    const remainder = total % 11;
    if ((remainder < 2 ? 0 : 11 - remainder) !== d[size]) return false;
  }
  return true;
}

/** `52998224725` → `529.982.247-25`; up to 14 digits → `11.222.333/0001-81`; partial as typed. */
export function maskTaxId(value: string): string {
  const n = onlyDigits(value).slice(0, 14);
  if (n.length <= 11) {
    return n
      .replace(/^(\d{3})(\d)/, "$1.$2")
      .replace(/^(\d{3})\.(\d{3})(\d)/, "$1.$2.$3")
      .replace(/^(\d{3})\.(\d{3})\.(\d{3})(\d)/, "$1.$2.$3-$4");
  }
  return n
    .replace(/^(\d{2})(\d)/, "$1.$2")
    .replace(/^(\d{2})\.(\d{3})(\d)/, "$1.$2.$3")
    .replace(/^(\d{2})\.(\d{3})\.(\d{3})(\d)/, "$1.$2.$3/$4")
    .replace(/^(\d{2})\.(\d{3})\.(\d{3})\/(\d{4})(\d)/, "$1.$2.$3/$4-$5");
}

export type TaxIdProblem = "length" | "checkDigits" | null;

/** Why a typed CPF/CNPJ is not acceptable, or null (blank is fine: the field is optional). */
export function taxIdProblem(value: string): TaxIdProblem {
  const n = onlyDigits(value);
  if (n.length === 0) return null;
  if (n.length === 11) return isValidCpf(n) ? null : "checkDigits";
  if (n.length === 14) return isValidCnpj(n) ? null : "checkDigits";
  return "length";
}

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

/**
 * A money amount as typed (`1.234,56`, `1234,5`, `1234.56`, `R$ 10`) → a decimal string with
 * two decimals (`1234.56`), or null when it is not an amount. Never goes through a float.
 */
export function parseMoneyInput(value: string): string | null {
  let v = value.replace(/R\$|\s/g, "");
  if (v === "") return null;
  if (v.includes(",")) {
    v = v.replace(/\./g, "").replace(",", ".");
  } else if (/^\d{1,3}(\.\d{3})+$/.test(v)) {
    v = v.replace(/\./g, "");
  }
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(v);
  if (!m) return null;
  const units = m[1]!.replace(/^0+(?=\d)/, "");
  return `${units}.${(m[2] ?? "").padEnd(2, "0")}`;
}

/** `1234.56` → `1.234,56` (pt-BR) or `1,234.56` (en), for the money input's text. */
export function formatMoneyInput(value: string | null | undefined, locale: string): string {
  if (value === null || value === undefined || value === "") return "";
  const [units = "0", cents = "00"] = value.replace("-", "").split(".");
  const sep = locale.startsWith("pt") ? [".", ","] : [",", "."];
  const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, sep[0]!);
  return `${value.startsWith("-") ? "-" : ""}${grouped}${sep[1]}${cents.padEnd(2, "0")}`;
}
