import "@mantine/dates/styles.css";
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ChequeStatusBadge } from "../../../components/ChequeStatusBadge";
import { MoneyText } from "../../../components/MoneyText";
import { chequeActions, type ChequeStep } from "../../../lib/cheque-lifecycle";
import { formatDate } from "../../../lib/dates";
import { invalidateCustomerMoney } from "../../../lib/ledger-keys";
import { can, useMe } from "../../../lib/me";
import { problemOf, type ApiProblem } from "../../../lib/problem";
import { deletePayment, usePayments, type Payment, type PaymentStatusFilter } from "../api";
import { dueTone, mayChange, type DueTone } from "../rules";
import { ChequeStepModal } from "./ChequeStepModal";
import { BinIcon, PencilIcon } from "./icons";
import { PaymentModal } from "./PaymentModal";
import { paymentProblemText } from "./problem-text";
import { LoadMoreFooter } from "../../../components/LoadMoreFooter";

export interface PaymentsTabProps {
  /** The customer as the header shows it (any customer record with these fields). */
  customer: { id: number; name: string };
}

const TONE_COLOUR: Record<DueTone, string> = {
  paid: "gray.7",
  overdue: "red.9",
  today: "#9c4400",
  // Darker than Mantine's green.9 and orange.9, which miss the 4.5:1 contrast on striped rows.
  upcoming: "#1b6e2e",
};

type Editing = { payment: Payment | null; readOnly: boolean } | null;
type Stepping = { payment: Payment & { cheque: NonNullable<Payment["cheque"]> }; step: ChequeStep };

/**
 * The Payments tab: the customer's receivables, newest first, 20 at a time, filtered by
 * All / Received / Pending; Add payment, and the pencil and bin where the rules allow this user.
 */
export function PaymentsTab({ customer }: PaymentsTabProps) {
  const { t, i18n } = useTranslation("payments");
  const locale = i18n.language;
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  const [status, setStatus] = useState<PaymentStatusFilter>("all");
  const payments = usePayments(customer.id, status);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Payment | null>(null);
  const [deleteProblem, setDeleteProblem] = useState<ApiProblem | null>(null);
  const [removing, setRemoving] = useState(false);
  const [stepping, setStepping] = useState<Stepping | null>(null);
  const writer = can(me, "payments:write");
  const today = me?.today ?? "";

  const rows = payments.data?.pages.flatMap((page) => page.items) ?? [];

  const confirmDelete = async () => {
    if (!deleting) return;
    setRemoving(true);
    try {
      await deletePayment(deleting);
      notifications.show({ color: "green", message: t("deleted") });
      setDeleting(null);
    } catch (error) {
      setDeleteProblem(problemOf(error));
    } finally {
      setRemoving(false);
      await invalidateCustomerMoney(queryClient, customer.id);
    }
  };

  return (
    <Stack gap="sm" data-testid="payments-tab">
      <Group justify="space-between" wrap="wrap">
        <SegmentedControl
          aria-label={t("filter.label")}
          value={status}
          onChange={(v) => setStatus(v as PaymentStatusFilter)}
          data={[
            { value: "all", label: t("filter.all") },
            { value: "received", label: t("filter.received") },
            { value: "pending", label: t("filter.pending") },
          ]}
        />
        {writer && (
          <Button onClick={() => setEditing({ payment: null, readOnly: false })}>{t("add")}</Button>
        )}
      </Group>

      {payments.isError && (
        <Alert color="red" data-testid="payments-problem">
          {paymentProblemText(problemOf(payments.error), t)}
        </Alert>
      )}
      {payments.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("common:loading")} />
        </Center>
      ) : rows.length === 0 && !payments.isError ? (
        <Text c="gray.7" data-testid="payments-empty">
          {t(`empty.${status}`)}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table
            striped
            highlightOnHover
            withTableBorder
            fz="sm"
            verticalSpacing={6}
            horizontalSpacing="xs"
            styles={{ th: { whiteSpace: "nowrap" } }}
            data-testid="payments-table"
            aria-label={t("tableLabel", { name: customer.name })}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={64}>
                  <VisuallyHidden>{t("columns.actions")}</VisuallyHidden>
                </Table.Th>
                <Table.Th>{t("columns.order")}</Table.Th>
                <Table.Th>{t("columns.user")}</Table.Th>
                <Table.Th>{t("columns.method")}</Table.Th>
                <Table.Th>{t("columns.cheque")}</Table.Th>
                <Table.Th ta="right">{t("columns.amount")}</Table.Th>
                <Table.Th>{t("columns.due")}</Table.Th>
                <Table.Th>{t("columns.received")}</Table.Th>
                <Table.Th>{t("columns.details")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => {
                const tone = dueTone(p, today);
                const editable = mayChange(p, me);
                return (
                  <Table.Tr key={p.id} data-testid="payment-row" data-payment-id={p.id}>
                    <Table.Td>
                      {editable && (
                        <Group gap={4} wrap="nowrap">
                          <Tooltip label={t("edit")}>
                            <ActionIcon
                              variant="subtle"
                              aria-label={t("editOne", { id: p.id })}
                              onClick={() => setEditing({ payment: p, readOnly: false })}
                            >
                              <PencilIcon />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label={t("delete")}>
                            <ActionIcon
                              variant="subtle"
                              color="red.9"
                              aria-label={t("deleteOne", { id: p.id })}
                              onClick={() => {
                                setDeleteProblem(null);
                                setDeleting(p);
                              }}
                            >
                              <BinIcon />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>{p.order_number !== null ? `#${p.order_number}` : "—"}</Table.Td>
                    <Table.Td>{p.recorded_by.name}</Table.Td>
                    <Table.Td>
                      {p.method === "CHEQUE" ? (
                        <Anchor
                          component="button"
                          type="button"
                          fz="sm"
                          fw={600}
                          onClick={() => setEditing({ payment: p, readOnly: !editable })}
                          aria-label={t("openCheque", { number: p.cheque?.cheque_number ?? "" })}
                        >
                          {t("methods.CHEQUE")}
                        </Anchor>
                      ) : (
                        t(`methods.${p.method}`)
                      )}
                    </Table.Td>
                    <Table.Td>
                      {p.cheque && (
                        <Group gap={6} wrap="nowrap">
                          <ChequeStatusBadge cheque={p.cheque} />
                          {chequeActions(p.cheque.status, me, p.received_on !== null).map(
                            (step) => (
                              <Button
                                key={step}
                                size="compact-xs"
                                variant={step === "return" ? "outline" : "default"}
                                color={step === "return" ? "red.9" : undefined}
                                aria-label={t(`chequeStep.actionOne.${step}`, {
                                  number: p.cheque?.cheque_number ?? "",
                                })}
                                onClick={() =>
                                  p.cheque &&
                                  setStepping({ payment: { ...p, cheque: p.cheque }, step })
                                }
                              >
                                {t(`chequeStep.action.${step}`)}
                              </Button>
                            ),
                          )}
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      <MoneyText value={p.amount} size="sm" />
                    </Table.Td>
                    <Table.Td data-tone={tone}>
                      <Text
                        size="sm"
                        c={TONE_COLOUR[tone]}
                        fw={tone === "paid" ? 400 : 600}
                        style={{ whiteSpace: "nowrap" }}
                      >
                        {formatDate(p.due_date, locale)}
                      </Text>
                      {tone !== "paid" && (
                        <Text size="xs" c={TONE_COLOUR[tone]} fw={600} lh={1.2}>
                          {t(`tone.${tone}`)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {p.received_on ? (
                        formatDate(p.received_on, locale)
                      ) : (
                        <Text component="span" size="sm" c="gray.7" fs="italic">
                          {t("pendingShort")}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2} title={p.details ?? undefined}>
                        {p.details ?? ""}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreFooter
        pages={payments}
        loadMore={t("loadMore")}
        shown={rows.length > 0 ? t("shown", { count: rows.length }) : null}
        testId="payments-count"
      />

      {editing && (
        <PaymentModal
          customerId={customer.id}
          customerName={customer.name}
          payment={editing.payment}
          readOnly={editing.readOnly}
          onClose={() => setEditing(null)}
        />
      )}

      {stepping && (
        <ChequeStepModal
          payment={stepping.payment}
          step={stepping.step}
          today={today}
          onClose={() => setStepping(null)}
        />
      )}

      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t("deleteTitle")}
        closeButtonProps={{ "aria-label": t("common:close") }}
        centered
      >
        {deleting && (
          <Stack gap="sm">
            <Text size="sm">
              {t("deleteBody", {
                method: t(`methods.${deleting.method}`),
                due: formatDate(deleting.due_date, locale),
              })}{" "}
              <MoneyText value={deleting.amount} size="sm" fw={600} />
            </Text>
            {deleteProblem && (
              <Alert color="red" data-testid="delete-problem">
                {paymentProblemText(deleteProblem, t)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDeleting(null)}>
                {t("cancel")}
              </Button>
              <Button color="red.9" loading={removing} onClick={() => void confirmDelete()}>
                {t("delete")}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
