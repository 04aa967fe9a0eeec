import { chequeLeftDrawer } from "../../lib/cheque-lifecycle";
import type { Me } from "../../lib/me";
import { can } from "../../lib/me";
import type { Payment } from "./api";

/**
 * The payment rules of the server (DESIGN.md, "Payments"), mirrored only to guide: a disabled
 * date, a hidden pencil. The server judges every request again and its refusal is shown.
 * Dates are `YYYY-MM-DD` strings, so comparing them as strings compares the days.
 */

/** `sales:manage` (owner implies it): may backdate and change anyone's payment. */
export function isPrivileged(me: Pick<Me, "permissions"> | undefined): boolean {
  return can(me, "sales:manage");
}

/**
 * Rule 3: who may edit or delete this payment (own, received today, later, or pending); and
 * never once its cheque left the drawer (deposited, cleared or returned: the bank has it).
 */
export function mayChange(
  payment: Pick<Payment, "recorded_by" | "received_on" | "cheque">,
  me: Pick<Me, "id" | "permissions" | "today"> | undefined,
): boolean {
  if (!me || !can(me, "payments:write")) return false;
  if (chequeLeftDrawer(payment.cheque)) return false;
  if (isPrivileged(me)) return true;
  if (payment.recorded_by.id !== me.id) return false;
  return payment.received_on === null || payment.received_on >= me.today;
}

export type ReceivedDateProblem = "future" | "backdated" | null;

/** Rules 1 and 2 for a received date being set: never after today; before today if privileged. */
export function receivedDateProblem(
  receivedOn: string | null,
  today: string,
  privileged: boolean,
): ReceivedDateProblem {
  if (receivedOn === null) return null;
  if (receivedOn > today) return "future";
  if (receivedOn < today && !privileged) return "backdated";
  return null;
}

/** The range the received-date picker offers: up to today; from today without privilege. */
export function receivedDateRange(today: string, privileged: boolean) {
  return { minDate: privileged ? undefined : today, maxDate: today };
}

export type DueTone = "paid" | "overdue" | "today" | "upcoming";

/** The due date's colour: a received payment is paid; a pending one is late, due or upcoming. */
export function dueTone(
  payment: Pick<Payment, "due_date" | "received_on">,
  today: string,
): DueTone {
  if (payment.received_on !== null) return "paid";
  if (payment.due_date < today) return "overdue";
  if (payment.due_date === today) return "today";
  return "upcoming";
}
