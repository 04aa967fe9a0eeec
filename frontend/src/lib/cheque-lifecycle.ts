import type { components } from "../api/schema";
import { api, unwrap } from "./api";
import { can, type Me } from "./me";

/**
 * The cheque lifecycle as the server has it (docs/decisions/cheques.md, "The transition
 * table"), shared by the Payments tab and the Cheques screen. Mirrored only to offer the steps
 * a user may take; the server judges every request again.
 */
export type Cheque = components["schemas"]["ChequeOut"];
export type ChequeStatus = Cheque["status"];
export type ChequeStep = "deposit" | "clear" | "return";
export type ChequeStepBody = components["schemas"]["ChequeStepIn"];
export type ChequePayment = components["schemas"]["PaymentOut"];

export const CHEQUE_STATUSES: readonly ChequeStatus[] = [
  "held",
  "deposited",
  "cleared",
  "returned",
];

/** The steps each status allows; cleared and returned are final. */
const NEXT: Record<ChequeStatus, readonly ChequeStep[]> = {
  held: ["deposit"],
  deposited: ["clear", "return"],
  cleared: [],
  returned: [],
};

/** Who may take a step: deposit and clear need `payments:write`, return `sales:manage`. */
const PERMISSION: Record<ChequeStep, string> = {
  deposit: "payments:write",
  clear: "payments:write",
  return: "sales:manage",
};

/**
 * The steps this user may take on a cheque in this status, in the order they are offered. A
 * pending cheque (its payment not received) is never offered the return: it never counted in
 * the balance, so there is nothing to debit (the server's `cheque-not-received`).
 */
export function chequeActions(
  status: ChequeStatus,
  me: Pick<Me, "permissions"> | undefined,
  received = true,
): ChequeStep[] {
  return NEXT[status].filter(
    (step) => can(me, PERMISSION[step]) && (step !== "return" || received),
  );
}

/** Once the bank has the paper, the payment can no longer be edited or deleted. */
export function chequeLeftDrawer(cheque: Pick<Cheque, "status"> | null): boolean {
  return cheque !== null && cheque.status !== "held";
}

/** The date of the step that gave the cheque its status (the pre-dated day while held). */
export function chequeStatusDate(cheque: Cheque): string {
  switch (cheque.status) {
    case "held":
      return cheque.predated_to;
    case "deposited":
      return cheque.deposited_on ?? cheque.predated_to;
    case "cleared":
      return cheque.cleared_on ?? cheque.predated_to;
    case "returned":
      return cheque.returned_on ?? cheque.predated_to;
  }
}

/**
 * Records one step of a cheque. `idempotencyKey` is made once per user action and reused on a
 * retry; `version` (when known) guards against a step on a payment changed meanwhile (412).
 */
export async function takeChequeStep(
  paymentId: number,
  step: ChequeStep,
  body: ChequeStepBody,
  idempotencyKey: string,
  version?: number,
): Promise<ChequePayment> {
  const header = {
    "Idempotency-Key": idempotencyKey,
    ...(version !== undefined ? { "If-Match": `"${version}"` } : {}),
  };
  const init = { params: { path: { payment_id: paymentId }, header }, body };
  switch (step) {
    case "deposit":
      return unwrap(await api.POST("/api/v1/cheques/{payment_id}/deposit", init));
    case "clear":
      return unwrap(await api.POST("/api/v1/cheques/{payment_id}/clear", init));
    case "return":
      return unwrap(await api.POST("/api/v1/cheques/{payment_id}/return", init));
  }
}

/**
 * The earliest day a step may be dated (the server refuses earlier with
 * `cheque-date-too-early`): a deposit not before the pre-dated day nor the received date; a
 * clearing or a return not before the deposit. Null: no lower bound known.
 */
export function stepEarliest(
  step: ChequeStep,
  cheque: Pick<Cheque, "predated_to" | "deposited_on">,
  receivedOn: string | null,
): string | null {
  if (step === "deposit") {
    return receivedOn !== null && receivedOn > cheque.predated_to ? receivedOn : cheque.predated_to;
  }
  return cheque.deposited_on;
}

/** Every cheques-list query starts with this key, so a step anywhere refreshes the lists. */
export const chequeListKey = ["cheques"] as const;
