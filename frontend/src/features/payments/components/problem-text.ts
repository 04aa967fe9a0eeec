import type { TFunction } from "i18next";
import { describeProblem } from "../../../lib/describe-problem";
import type { ApiProblem } from "../../../lib/problem";

/** Problem types of the payment rules that have a sentence of their own in the catalog. */
const KNOWN = [
  "backdating-not-allowed",
  "received-date-in-future",
  "payment-not-editable",
  "payment-not-found",
  "cheque-duplicate",
  "idempotency-key-reused",
  "idempotency-key-in-flight",
  "quick-sale-customer",
  "cheque-status-conflict",
  "cheque-date-too-early",
  "cheque-date-in-future",
  "cheque-not-received",
  "cheque-not-held",
  "not-a-cheque",
] as const;

/**
 * A payment refusal in the UI language: the rule's own sentence when the catalog has one (the
 * server's `detail` is English), otherwise the shared description of the problem.
 */
export function paymentProblemText(problem: ApiProblem, t: TFunction): string {
  const known = KNOWN.find((type) => problem.type === type || problem.type.endsWith(`/${type}`));
  if (known) {
    const customer = problem.body.customer as { number?: number; name?: string } | undefined;
    return t(`payments:problems.${known}`, {
      payment: problem.body.payment_id ?? "",
      customer: customer ? `${customer.number ?? ""} ${customer.name ?? ""}`.trim() : "",
      status:
        typeof problem.body.cheque_status === "string"
          ? t(`cheques:status.${problem.body.cheque_status}`)
          : "",
    });
  }
  return describeProblem(problem, t);
}
