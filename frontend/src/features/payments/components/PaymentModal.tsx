import {
  Alert,
  Button,
  Checkbox,
  Grid,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  Textarea,
} from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useOnline } from "../../../lib/connectivity";
import { formatDate } from "../../../lib/dates";
import { invalidateCustomerMoney } from "../../../lib/ledger-keys";
import { useMe } from "../../../lib/me";
import { formatMoney } from "../../../lib/money";
import type { ApiProblem } from "../../../lib/problem";
import {
  createChequeBatch,
  createPayment,
  PAYMENT_METHODS,
  patchPayment,
  useOpenOrders,
  type Payment,
  type PaymentMethod,
} from "../api";
import {
  batchBody,
  createBody,
  emptyRow,
  newPaymentValues,
  patchBody,
  rowsWithErrors,
  validateBatch,
  validatePayment,
  valuesOf,
  type BatchRow,
  type ChequeField,
  type FormErrors,
  type PaymentValues,
} from "../form";
import { isPrivileged, receivedDateRange } from "../rules";
import { ChequeBatchTable } from "./ChequeBatchTable";
import { ChequeFields } from "./ChequeFields";
import { DateField, MoneyInput } from "./fields";
import { paymentProblemText } from "./problem-text";
import { useSaver } from "./useSaver";

export interface PaymentModalProps {
  customerId: number;
  customerName: string;
  /** The payment to edit (or show), or null for a new one. */
  payment: Payment | null;
  /** Shown only: the rules do not let this user change it. */
  readOnly: boolean;
  onClose: () => void;
}

/**
 * Add or edit a payment. A new CHEQUE payment is a batch of cheques sharing the order, the due
 * date and the received date, saved together or not at all. Every save carries one
 * Idempotency-Key per user action (see useSaver); offline, nothing is sent and nothing typed
 * is lost.
 */
export function PaymentModal(props: PaymentModalProps) {
  const { customerId, customerName, payment, readOnly, onClose } = props;
  const { t, i18n } = useTranslation("payments");
  const locale = i18n.language;
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const online = useOnline();
  const today = me?.today ?? new Date().toISOString().slice(0, 10);
  const privileged = isPrivileged(me);
  const isNew = payment === null;

  const [values, setValues] = useState<PaymentValues>(() =>
    payment ? valuesOf(payment, locale) : newPaymentValues(today),
  );
  const [rows, setRows] = useState<BatchRow[]>(() => [emptyRow()]);
  const [errors, setErrors] = useState<FormErrors>({});
  const batchMode = isNew && values.method === "CHEQUE";
  const orders = useOpenOrders(customerId, !readOnly);

  const onSaved = useCallback(() => {
    void invalidateCustomerMoney(queryClient, customerId);
    notifications.show({ color: "green", message: t(isNew ? "saved" : "updated") });
    onClose();
  }, [queryClient, customerId, t, isNew, onClose]);
  const { state, save } = useSaver(onSaved);
  const saving = state.kind === "saving";
  const locked = readOnly || saving;

  const set = <K extends keyof PaymentValues>(field: K, value: PaymentValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: "" }));
  };
  const setCheque = (field: ChequeField, value: string) => {
    setValues((v) => ({ ...v, cheque: { ...v.cheque, [field]: value } }));
    setErrors((e) => ({ ...e, [`cheque.${field}`]: "" }));
  };

  const translate = (found: FormErrors): FormErrors =>
    Object.fromEntries(Object.entries(found).map(([k, key]) => [k, t(`errors.${key}`)]));

  // The received date is judged only when it is set or changed (an edit of the details of a
  // manager's older payment does not re-judge its date), as the server does.
  const receivedTouched =
    isNew || (values.pending ? null : values.received_on) !== (payment?.received_on ?? null);

  const submit = () => {
    if (readOnly || saving) return;
    if (batchMode) {
      const shared = { ...values };
      const found = validateBatch(shared, rows, today, privileged);
      setErrors(translate(found));
      if (Object.keys(found).length > 0) return focusFirstProblem(found);
      const body = batchBody(shared, rows);
      void save(async (key) => {
        await createChequeBatch(customerId, body, key);
      });
      return;
    }
    const found = validatePayment(values, today, privileged, receivedTouched);
    setErrors(translate(found));
    if (Object.keys(found).length > 0) return;
    if (isNew) {
      const body = createBody(values);
      void save(async (key) => {
        await createPayment(customerId, body, key);
      });
    } else {
      const body = patchBody(values, payment);
      if (Object.keys(body).length === 0) return onClose();
      void save(async () => {
        await patchPayment(payment, body);
      });
    }
  };

  const focusFirstProblem = (found: FormErrors) => {
    const row = rowsWithErrors(found)[0];
    if (row === undefined) return;
    requestAnimationFrame(() => {
      const tr = document.querySelector(`[data-testid="cheque-batch"] [data-row="${row}"]`);
      tr?.querySelector<HTMLInputElement>('[aria-invalid="true"], input')?.focus();
    });
  };

  // The server's refusal: its field errors land on their fields (a batch's on their row).
  const refused: ApiProblem | null = state.kind === "refused" ? state.problem : null;
  const [shownProblem, setShownProblem] = useState<ApiProblem | null>(null);
  if (refused !== shownProblem) {
    setShownProblem(refused);
    if (refused) {
      const fromServer: FormErrors = {};
      const sentence = paymentProblemText(refused, t);
      for (const [field, message] of Object.entries(refused.fieldErrors)) {
        const m = /^cheques\.(\d+)\.received_on$/.exec(field);
        const name = m ? "received_on" : field;
        fromServer[name] = refused.type === "validation-error" ? message : sentence;
      }
      setErrors(fromServer);
      if (batchMode) focusFirstProblem(fromServer);
    }
  }

  // A 412 or 404 means the list shows an older payment than the server holds: refresh it.
  useEffect(() => {
    if (refused && (refused.kind === "precondition" || refused.kind === "not-found")) {
      void invalidateCustomerMoney(queryClient, customerId);
    }
  }, [refused, queryClient, customerId]);

  useHotkeys([["mod+Enter", submit]], [], true);

  const range = receivedDateRange(today, privileged);
  const orderOptions = useMemo(() => {
    const list = (orders.data ?? []).map((o) => ({
      value: String(o.number),
      label: t("orderOption", {
        number: o.number,
        date: formatDate(o.placed_on, locale),
        total: formatMoney(o.total, locale, me?.currency ?? "BRL"),
      }),
    }));
    if (values.order_number && !list.some((o) => o.value === values.order_number)) {
      list.unshift({ value: values.order_number, label: `#${values.order_number}` });
    }
    return list;
  }, [orders.data, values.order_number, locale, me?.currency, t]);

  const badRows = rowsWithErrors(errors).filter((r) =>
    Object.entries(errors).some(([k, v]) => v && k.startsWith(`cheques.${r}.`)),
  );
  const title = readOnly
    ? t("modal.viewTitle")
    : isNew
      ? t("modal.newTitle", { name: customerName })
      : t("modal.editTitle");

  return (
    <Modal
      opened
      onClose={onClose}
      title={title}
      size={batchMode ? "min(1180px, 96vw)" : "lg"}
      closeButtonProps={{ "aria-label": t("common:close") }}
      closeOnClickOutside={false}
      data-testid="payment-modal"
    >
      <form
        noValidate
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          {!online && state.kind !== "not-sent" && (
            <Alert color="orange" data-testid="payment-offline" role="alert">
              {t("offline.now")}
            </Alert>
          )}
          {state.kind === "not-sent" && (
            <Alert color="orange" data-testid="payment-not-sent" role="alert">
              {t("offline.notSent")}
            </Alert>
          )}
          {state.kind === "lost" && (
            <Alert color="orange" data-testid="payment-lost" role="alert">
              {t("offline.lost")}
            </Alert>
          )}
          {refused && (
            <Alert color="red" data-testid="payment-problem" role="alert">
              {paymentProblemText(refused, t)}
              {batchMode && badRows.length > 0 && (
                <Text size="sm" mt={4} fw={600}>
                  {t("batch.refusedRows", { rows: badRows.map((r) => r + 1).join(", ") })}
                </Text>
              )}
            </Alert>
          )}
          {!refused && batchMode && badRows.length > 0 && (
            <Alert color="red" data-testid="payment-problem" role="alert">
              {t("batch.invalidRows", { rows: badRows.map((r) => r + 1).join(", ") })}
            </Alert>
          )}

          <Grid gap="sm">
            <Grid.Col span={{ base: 12, sm: batchMode ? 3 : 6 }}>
              <Select
                label={t("fields.method")}
                data={PAYMENT_METHODS.map((m) => ({ value: m, label: t(`methods.${m}`) }))}
                value={values.method}
                onChange={(v) => v && set("method", v as PaymentMethod)}
                allowDeselect={false}
                disabled={locked}
                withAsterisk
                data-autofocus
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            {!batchMode && (
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <MoneyInput
                  label={t("fields.amount")}
                  value={values.amount}
                  error={errors.amount}
                  disabled={locked}
                  withAsterisk
                  onChange={(v) => set("amount", v)}
                />
              </Grid.Col>
            )}
            <Grid.Col span={{ base: 12, sm: batchMode ? 3 : 6 }}>
              <Select
                label={t("fields.order")}
                placeholder={orders.isPending && !readOnly ? t("common:loading") : t("noOrder")}
                data={orderOptions}
                value={values.order_number || null}
                onChange={(v) => set("order_number", v ?? "")}
                searchable
                clearable
                nothingFoundMessage={t("noOpenOrders")}
                error={errors.order_number}
                disabled={locked}
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: batchMode ? 2 : 6 }}>
              <DateField
                label={t("fields.due")}
                value={values.due_date}
                error={errors.due_date}
                disabled={locked}
                withAsterisk
                onChange={(v) => set("due_date", v)}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: batchMode ? 4 : 12 }}>
              <Group gap="sm" align="flex-start" wrap="nowrap">
                <DateField
                  style={{ flex: 1 }}
                  label={t("fields.received")}
                  description={privileged ? undefined : t("receivedHint")}
                  inputWrapperOrder={["label", "input", "description", "error"]}
                  styles={{ description: { color: "var(--mantine-color-gray-7)", marginTop: 4 } }}
                  value={values.pending ? "" : values.received_on}
                  error={errors.received_on}
                  disabled={locked || values.pending}
                  minDate={range.minDate}
                  maxDate={range.maxDate}
                  data-testid="received-date"
                  onChange={(v) => set("received_on", v)}
                />
                <Checkbox
                  mt={32}
                  label={t("fields.pending")}
                  checked={values.pending}
                  disabled={locked}
                  onChange={(e) => set("pending", e.currentTarget.checked)}
                />
              </Group>
            </Grid.Col>
          </Grid>

          {values.method === "CHEQUE" &&
            (batchMode ? (
              <ChequeBatchTable
                rows={rows}
                errors={errors}
                disabled={locked}
                onRows={(next) => {
                  setRows(next);
                  setErrors((e) =>
                    Object.fromEntries(
                      Object.entries(e).filter(([k]) => !k.startsWith("cheques.")),
                    ),
                  );
                }}
              />
            ) : (
              <ChequeFields
                values={values.cheque}
                errors={errors}
                onChange={setCheque}
                disabled={locked}
              />
            ))}

          <Textarea
            label={t("fields.details")}
            value={values.details}
            error={errors.details}
            maxLength={2000}
            autosize
            minRows={1}
            maxRows={4}
            disabled={locked}
            onChange={(e) => set("details", e.currentTarget.value)}
          />

          <Group justify="space-between" mt="xs">
            <Text size="xs" c="gray.7">
              {readOnly ? t("modal.readOnly") : t("modal.keys")}
            </Text>
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                {readOnly ? t("common:close") : t("cancel")}
              </Button>
              {!readOnly && (
                <Button type="submit" loading={saving}>
                  {state.kind === "lost" || state.kind === "not-sent"
                    ? t("retry")
                    : batchMode
                      ? t("batch.save", { count: rows.length })
                      : t("save")}
                </Button>
              )}
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
