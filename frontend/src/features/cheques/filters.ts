import type { ChequeStatus } from "../../lib/cheque-lifecycle";
import type { ChequeListQuery } from "./api";

/** What the Cheques screen's filters hold; "" is "any". */
export interface ChequeFilters {
  /** Pre-dated to this day or earlier (`YYYY-MM-DD`); "" for any day. */
  by: string;
  status: ChequeStatus | "";
  storeId: number | null;
  /** Returned this month: overrides the status and the day. */
  returnedThisMonth: boolean;
}

/** The first and last day of the month of a `YYYY-MM-DD` day. */
export function monthOf(day: string): { from: string; to: string } {
  const [y, m] = day.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, "0");
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${String(last).padStart(2, "0")}` };
}

/** The list's query for these filters; `today` is the business date of /auth/me. */
export function listQuery(filters: ChequeFilters, today: string): ChequeListQuery {
  const store = filters.storeId !== null ? { store_id: filters.storeId } : {};
  if (filters.returnedThisMonth) {
    const { from, to } = monthOf(today);
    return { status: "returned", returned_from: from, returned_to: to, ...store };
  }
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.by ? { predated_to_before: filters.by } : {}),
    ...store,
  };
}
