import type { Customer } from "../api";

export type Section = "active" | "inactive";

/** What the virtualised list draws: a section header or a customer. */
export type ListRow =
  | { kind: "header"; key: string; section: Section }
  | { kind: "customer"; key: string; section: Section; customer: Customer };

export function sectionOf(customer: Pick<Customer, "active">): Section {
  return customer.active ? "active" : "inactive";
}

/**
 * The rows for customers in display order: a header wherever the section changes (the server
 * sends active then inactive; a number match may come first from either section), each customer
 * once even if two pages or two sources both hold it.
 */
export function buildRows(customers: readonly Customer[]): ListRow[] {
  const rows: ListRow[] = [];
  const seen = new Set<number>();
  let current: Section | null = null;
  for (const customer of customers) {
    if (seen.has(customer.id)) continue;
    seen.add(customer.id);
    const section = sectionOf(customer);
    if (section !== current) {
      rows.push({ kind: "header", key: `header-${section}-${rows.length}`, section });
      current = section;
    }
    rows.push({ kind: "customer", key: `customer-${customer.id}`, section, customer });
  }
  return rows;
}

/**
 * The row index of the customer `step` customers away from `fromId` (headers skipped), clamped
 * to the ends; with no current customer, the first (down) or the last (up).
 */
export function moveHighlight(rows: readonly ListRow[], fromId: number | null, step: number) {
  const customers: number[] = [];
  rows.forEach((row, index) => row.kind === "customer" && customers.push(index));
  if (customers.length === 0) return null;
  const at = customers.findIndex((i) => {
    const row = rows[i];
    return row?.kind === "customer" && row.customer.id === fromId;
  });
  const next = at < 0 ? (step > 0 ? 0 : customers.length - 1) : at + step;
  return customers[Math.min(customers.length - 1, Math.max(0, next))]!;
}
