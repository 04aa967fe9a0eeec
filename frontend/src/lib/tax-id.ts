/**
 * Brazilian tax ids (CPF, 11 digits; CNPJ, 14 digits) as forms mask and check them. The server
 * has the last word; these checks only spare a round trip. What is sent is the digits.
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
