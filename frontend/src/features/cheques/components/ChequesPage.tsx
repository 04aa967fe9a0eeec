import "@mantine/dates/styles.css";
import {
  Alert,
  Anchor,
  Button,
  Center,
  Checkbox,
  Group,
  List,
  Loader,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import "dayjs/locale/pt-br";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { ChequeStatusBadge } from "../../../components/ChequeStatusBadge";
import { MoneyText } from "../../../components/MoneyText";
import { CHEQUE_STATUSES, chequeActions, chequeListKey } from "../../../lib/cheque-lifecycle";
import { formatDate } from "../../../lib/dates";
import { describeProblem } from "../../../lib/describe-problem";
import { invalidateCustomerMoney } from "../../../lib/ledger-keys";
import { useMe } from "../../../lib/me";
import { addMoney, formatMoney } from "../../../lib/money";
import { problemOf, type ApiProblem } from "../../../lib/problem";
import { dateFormat, parseTypedDate } from "../../../lib/typed-date";
import {
  depositMany,
  useChequeList,
  useStores,
  type ChequeItem,
  type DepositFailure,
} from "../api";
import { listQuery, type ChequeFilters } from "../filters";
import { LoadMoreFooter } from "../../../components/LoadMoreFooter";

/** `Date` ↔ `YYYY-MM-DD`: the date inputs of Mantine 9 speak strings already. */
const day = (value: string | null) => value ?? "";

/**
 * The cheques screen: the cheques to deposit by a day (the business today by default), of a
 * store, oldest pre-dated day first, 50 at a time; filters for the status and for this
 * month's returns; several held cheques deposited in one go. A row opens its customer's
 * Payments tab.
 */
export function ChequesPage() {
  const { t, i18n } = useTranslation("cheques");
  const locale = i18n.language;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: me } = useMe();
  if (!me) {
    return (
      <Center p="xl">
        <Loader aria-label={t("common:loading")} />
      </Center>
    );
  }
  return (
    <ChequesScreen
      key={me.id}
      today={me.today ?? ""}
      storeId={me.store_id}
      mayDeposit={chequeActions("held", me).includes("deposit")}
      locale={locale}
      currency={me.currency ?? "BRL"}
      onOpen={(item) => void navigate(`/customers/${item.customer.id}/payments`)}
      onDeposited={async (customers) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: chequeListKey }),
          ...customers.map((id) => invalidateCustomerMoney(queryClient, id)),
        ]);
      }}
      t={t}
    />
  );
}

interface ScreenProps {
  today: string;
  storeId: number;
  mayDeposit: boolean;
  locale: string;
  currency: string;
  onOpen: (item: ChequeItem) => void;
  onDeposited: (customerIds: number[]) => Promise<void>;
  t: ReturnType<typeof useTranslation>["t"];
}

function ChequesScreen(props: ScreenProps) {
  const { today, storeId, mayDeposit, locale, currency, onOpen, onDeposited, t } = props;
  const [filters, setFilters] = useState<ChequeFilters>({
    by: today,
    status: "held",
    storeId,
    returnedThisMonth: false,
  });
  const query = useMemo(() => listQuery(filters, today), [filters, today]);
  const list = useChequeList(query);
  const stores = useStores();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [depositOn, setDepositOn] = useState(today);
  const [sending, setSending] = useState(false);
  const [failures, setFailures] = useState<DepositFailure[]>([]);

  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const selectable = (item: ChequeItem) => mayDeposit && item.cheque.status === "held";
  const chosen = rows.filter((item) => selected.has(item.payment_id) && selectable(item));
  const heldShown = rows.filter(selectable);
  const total = addMoney("0.00", ...chosen.map((item) => item.amount));
  const monthName = new Intl.DateTimeFormat(locale, {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${today || "2000-01-01"}T00:00:00Z`));
  // A deposit is never dated before the latest pre-dated day (or received date) of the lot.
  const earliest = chosen.reduce<string | undefined>((max, item) => {
    const floor =
      item.received_on && item.received_on > item.cheque.predated_to
        ? item.received_on
        : item.cheque.predated_to;
    return max === undefined || floor > max ? floor : max;
  }, undefined);

  const change = (patch: Partial<ChequeFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setSelected(new Set());
  };
  const toggle = (id: number, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const deposit = async () => {
    setSending(true);
    try {
      const outcome = await depositMany(chosen, depositOn);
      setFailures(outcome.failures);
      if (outcome.deposited.length > 0) {
        notifications.show({
          color: "green",
          message: t("deposited", { count: outcome.deposited.length }),
        });
      }
      setSelected(new Set(outcome.failures.map((f) => f.item.payment_id)));
      setConfirming(false);
      await onDeposited([...new Set(outcome.deposited.map((item) => item.customer.id))]);
    } finally {
      setSending(false);
    }
  };

  const failureReason = (problem: ApiProblem) => {
    const known = ["cheque-status-conflict", "cheque-date-too-early", "cheque-date-in-future"]
      .concat("payment-not-found")
      .find((type) => problem.type === type || problem.type.endsWith(`/${type}`));
    if (!known) return describeProblem(problem, t);
    const status = problem.body.cheque_status;
    return t(`problems.${known}`, {
      status: typeof status === "string" ? t(`status.${status}`) : "",
    });
  };

  return (
    <Stack gap="sm" p="md" data-testid="cheques-page">
      <Title order={2} size="h3">
        {t("title")}
      </Title>
      <Group align="flex-end" gap="sm" wrap="wrap" role="group" aria-label={t("filters.label")}>
        <DateInput
          label={t("filters.by")}
          title={t("filters.byHint")}
          value={filters.by || null}
          onChange={(v) => change({ by: day(v) })}
          valueFormat={dateFormat(locale)}
          dateParser={(text) => parseTypedDate(text, locale)}
          locale={locale.startsWith("pt") ? "pt-br" : "en"}
          clearable
          clearButtonProps={{ "aria-label": t("filters.clearBy") }}
          disabled={filters.returnedThisMonth}
          w={150}
          popoverProps={{ withinPortal: true }}
        />
        <Select
          label={t("filters.status")}
          value={filters.status || "any"}
          onChange={(v) =>
            change({ status: !v || v === "any" ? "" : (v as ChequeFilters["status"]) })
          }
          data={[
            { value: "any", label: t("filters.any") },
            ...CHEQUE_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
          ]}
          allowDeselect={false}
          disabled={filters.returnedThisMonth}
          w={180}
        />
        <Select
          label={t("filters.store")}
          value={filters.storeId === null ? "all" : String(filters.storeId)}
          onChange={(v) => change({ storeId: !v || v === "all" ? null : Number(v) })}
          data={[
            { value: "all", label: t("filters.allStores") },
            ...(stores.data ?? []).map((s) => ({ value: String(s.id), label: s.name })),
          ]}
          allowDeselect={false}
          w={240}
        />
        <Checkbox
          mb={8}
          label={t("filters.returnedThisMonth", { month: monthName })}
          checked={filters.returnedThisMonth}
          onChange={(e) => change({ returnedThisMonth: e.currentTarget.checked })}
        />
      </Group>

      {mayDeposit && (
        <Group gap="sm">
          <Button
            disabled={chosen.length === 0}
            onClick={() => {
              setDepositOn(today);
              setFailures([]);
              setConfirming(true);
            }}
          >
            {t("depositSelected", { count: chosen.length })}
          </Button>
          {chosen.length > 0 && (
            <Text size="sm" c="gray.7">
              {formatMoney(total, locale, currency)}
            </Text>
          )}
        </Group>
      )}

      {failures.length > 0 && (
        <Alert color="red" role="alert" data-testid="deposit-failures" title={t("failures")}>
          <List size="sm">
            {failures.map((f) => (
              <List.Item key={f.item.payment_id}>
                {t("failure", {
                  number: f.item.cheque.cheque_number,
                  customer: f.item.customer.name,
                  reason: failureReason(f.problem),
                })}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}

      {list.isError && (
        <Alert color="red" data-testid="cheques-problem">
          {describeProblem(problemOf(list.error), t)}
        </Alert>
      )}
      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("common:loading")} />
        </Center>
      ) : rows.length === 0 && !list.isError ? (
        <Text c="gray.7" data-testid="cheques-empty">
          {t("empty")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={980}>
          <Table
            striped
            highlightOnHover
            withTableBorder
            fz="sm"
            verticalSpacing={6}
            horizontalSpacing="xs"
            styles={{ th: { whiteSpace: "nowrap" } }}
            data-testid="cheques-table"
            aria-label={t("tableLabel")}
          >
            <Table.Thead>
              <Table.Tr>
                {mayDeposit && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label={t("selectAll")}
                      disabled={heldShown.length === 0}
                      checked={heldShown.length > 0 && chosen.length === heldShown.length}
                      indeterminate={chosen.length > 0 && chosen.length < heldShown.length}
                      onChange={(e) =>
                        setSelected(
                          e.currentTarget.checked
                            ? new Set(heldShown.map((item) => item.payment_id))
                            : new Set(),
                        )
                      }
                    />
                  </Table.Th>
                )}
                <Table.Th>{t("columns.predated")}</Table.Th>
                <Table.Th>{t("columns.customer")}</Table.Th>
                <Table.Th>{t("columns.issuer")}</Table.Th>
                <Table.Th>{t("columns.bank")}</Table.Th>
                <Table.Th>{t("columns.number")}</Table.Th>
                <Table.Th ta="right">{t("columns.amount")}</Table.Th>
                <Table.Th>{t("columns.status")}</Table.Th>
                <Table.Th>{t("columns.received")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((item) => {
                const customer = `${item.customer.number ?? ""} ${item.customer.name}`.trim();
                return (
                  <Table.Tr
                    key={item.payment_id}
                    data-testid="cheque-row"
                    data-payment-id={item.payment_id}
                    onClick={() => onOpen(item)}
                    style={{ cursor: "pointer" }}
                  >
                    {mayDeposit && (
                      <Table.Td onClick={(e) => e.stopPropagation()}>
                        {selectable(item) && (
                          <Checkbox
                            aria-label={t("selectOne", {
                              number: item.cheque.cheque_number,
                              customer: item.customer.name,
                            })}
                            checked={selected.has(item.payment_id)}
                            onChange={(e) => toggle(item.payment_id, e.currentTarget.checked)}
                          />
                        )}
                      </Table.Td>
                    )}
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {formatDate(item.cheque.predated_to, locale)}
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/customers/${item.customer.id}/payments`}
                        fz="sm"
                        fw={600}
                        aria-label={t("openCustomer", { customer })}
                        onClick={(e) => e.stopPropagation()}
                      >
                        {customer}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{item.cheque.issuer_name}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {`${item.cheque.bank} / ${item.cheque.branch} / ${item.cheque.account}`}
                    </Table.Td>
                    <Table.Td>{item.cheque.cheque_number}</Table.Td>
                    <Table.Td ta="right">
                      <MoneyText value={item.amount} size="sm" />
                    </Table.Td>
                    <Table.Td onClick={(e) => e.stopPropagation()} style={{ whiteSpace: "nowrap" }}>
                      <ChequeStatusBadge cheque={item.cheque} />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {item.received_on ? (
                        formatDate(item.received_on, locale)
                      ) : (
                        <Text component="span" size="sm" c="gray.7" fs="italic">
                          {t("pending")}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreFooter
        pages={list}
        loadMore={t("loadMore")}
        shown={rows.length > 0 ? t("shown", { count: rows.length }) : null}
        testId="cheques-count"
      />

      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t("depositTitle")}
        closeButtonProps={{ "aria-label": t("common:close") }}
        centered
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (depositOn) void deposit();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              {t("depositBody", {
                count: chosen.length,
                total: formatMoney(total, locale, currency),
              })}
            </Text>
            <DateInput
              label={t("depositOn")}
              value={depositOn || null}
              onChange={(v) => setDepositOn(day(v))}
              valueFormat={dateFormat(locale)}
              dateParser={(text) => parseTypedDate(text, locale)}
              locale={locale.startsWith("pt") ? "pt-br" : "en"}
              minDate={earliest}
              maxDate={today}
              required
              popoverProps={{ withinPortal: true }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t("cancel")}
              </Button>
              <Button type="submit" loading={sending} data-autofocus>
                {t("depositConfirm")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
