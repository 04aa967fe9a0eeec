import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { MoneyText } from "../../../components/MoneyText";
import {
  chequeListKey,
  stepEarliest,
  takeChequeStep,
  type ChequeStep,
} from "../../../lib/cheque-lifecycle";
import { formatDate } from "../../../lib/dates";
import { useIdempotencyKey } from "../../../lib/idempotency";
import { invalidateCustomerMoney } from "../../../lib/ledger-keys";
import { problemOf, type ApiProblem } from "../../../lib/problem";
import type { Payment } from "../api";
import { DateField } from "./fields";
import { paymentProblemText } from "./problem-text";

export interface ChequeStepModalProps {
  payment: Payment & { cheque: NonNullable<Payment["cheque"]> };
  step: ChequeStep;
  today: string;
  onClose: () => void;
}

/** An answer that says nothing about whether the step was recorded: the same key is reused. */
const unknownOutcome = (p: ApiProblem) =>
  p.kind === "offline" || p.type.endsWith("idempotency-key-in-flight");

/**
 * Confirms one step of a cheque: its date (today by default, never after today nor before the
 * step's earliest day) and, for a return, the reason and what the return does to the balance.
 * One Idempotency-Key per confirmation, reused while the outcome is unknown; `If-Match` is the
 * version the row showed.
 */
export function ChequeStepModal({ payment, step, today, onClose }: ChequeStepModalProps) {
  const { t, i18n } = useTranslation("payments");
  const queryClient = useQueryClient();
  const cheque = payment.cheque;
  const [on, setOn] = useState(today);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const [reasonMissing, setReasonMissing] = useState(false);
  const { key, done } = useIdempotencyKey();
  const earliest = stepEarliest(step, cheque, payment.received_on);

  const submit = async () => {
    if (step === "return" && reason.trim() === "") {
      setReasonMissing(true);
      return;
    }
    if (!on) return;
    setSending(true);
    setProblem(null);
    try {
      await takeChequeStep(
        payment.id,
        step,
        { on, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        key(),
        payment.version,
      );
      done();
      notifications.show({
        color: "green",
        message: t(`chequeStep.done.${step}`, { number: cheque.cheque_number }),
      });
      onClose();
    } catch (error) {
      const p = problemOf(error);
      if (!unknownOutcome(p)) done();
      setProblem(p);
    } finally {
      setSending(false);
      await Promise.all([
        invalidateCustomerMoney(queryClient, payment.customer_id),
        queryClient.invalidateQueries({ queryKey: chequeListKey }),
      ]);
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={t(`chequeStep.title.${step}`, { number: cheque.cheque_number })}
      closeButtonProps={{ "aria-label": t("common:close") }}
      centered
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {t("chequeStep.summary", {
              issuer: cheque.issuer_name,
              bank: cheque.bank,
              predated: formatDate(cheque.predated_to, i18n.language),
            })}{" "}
            <MoneyText value={payment.amount} size="sm" fw={600} />
          </Text>
          <DateField
            label={t(`chequeStep.date.${step}`)}
            value={on}
            onChange={setOn}
            withAsterisk
            minDate={earliest ?? undefined}
            maxDate={today}
            error={problem?.fieldErrors.on}
          />
          <Textarea
            label={t(step === "return" ? "chequeStep.reasonReturn" : "chequeStep.reason")}
            description={step === "return" ? t("chequeStep.reasonHint") : undefined}
            withAsterisk={step === "return"}
            // A return starts at its reason; a deposit or clearing is confirmed with Enter
            // (focusing the date would open its calendar over the dialog).
            data-autofocus={step === "return" ? true : undefined}
            value={reason}
            maxLength={500}
            autosize
            minRows={2}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setReasonMissing(false);
            }}
            error={reasonMissing ? t("chequeStep.reasonRequired") : problem?.fieldErrors.reason}
          />
          {step === "return" && (
            <Alert color="orange" variant="light" data-testid="return-warning">
              <Text size="sm" c="dark.8">
                {t("chequeStep.returnWarning")}{" "}
                <MoneyText value={payment.amount} size="sm" fw={700} />
              </Text>
            </Alert>
          )}
          {problem && (
            <Alert color="red" role="alert" data-testid="step-problem">
              {paymentProblemText(problem, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button
              type="submit"
              loading={sending}
              color={step === "return" ? "red.9" : undefined}
              data-autofocus={step === "return" ? undefined : true}
            >
              {t(`chequeStep.confirm.${step}`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
