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
