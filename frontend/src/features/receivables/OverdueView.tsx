import { Anchor, Button, Group, Paper, Stack, Table, Text } from "@mantine/core";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { MoneyText } from "../../components/MoneyText";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate } from "../../lib/dates";
import { can, useMe } from "../../lib/me";
import { fetchOverduePage, receivablesKeys, type OverdueItem } from "./api";
import { StoreFilter } from "./StoreFilter";

/**
 * Pending payments past their due date, oldest first, as the API pages them. Staff start on
 * their own store; the owner on all of them.
 */
export function OverdueView() {
  const { t, i18n } = useTranslation("receivables");
  const { data: me } = useMe();
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<number | null | undefined>(undefined);
  const storeId = chosen !== undefined ? chosen : me && !can(me, "owner") ? me.store_id : null;

  const query = useInfiniteQuery({
    queryKey: receivablesKeys.overdue(storeId),
    queryFn: ({ pageParam, signal }) => fetchOverduePage(storeId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled: me !== undefined,
  });
  const pages = query.data?.pages;
  const rows: OverdueItem[] = useMemo(() => pages?.flatMap((p) => p.items) ?? [], [pages]);
  const open = (row: OverdueItem) => void navigate(`/customers/${row.customer_id}/balance`);

  return (
    <Stack gap="md">
      <Group align="flex-end">
        <StoreFilter value={storeId} onChange={setChosen} />
      </Group>
      {query.isError && !pages && (
        <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />
      )}
      {pages && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover stickyHeader aria-label={t("overdue.tableLabel")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("columns.dueDate")}</Table.Th>
                  <Table.Th ta="right">{t("columns.daysOverdue")}</Table.Th>
                  <Table.Th>{t("columns.customer")}</Table.Th>
                  <Table.Th>{t("columns.method")}</Table.Th>
                  <Table.Th>{t("columns.order")}</Table.Th>
                  <Table.Th ta="right">{t("columns.amount")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr
                    key={row.payment_id}
                    data-customer-id={row.customer_id}
                    onClick={() => open(row)}
                    style={{ cursor: "pointer" }}
                  >
                    <Table.Td>{formatDate(row.due_date, i18n.language)}</Table.Td>
                    <Table.Td ta="right">
                      <Text
                        span
                        size="sm"
                        c={row.days_overdue > 90 ? "red.9" : undefined}
                        fw={row.days_overdue > 30 ? 700 : 400}
                        style={{ fontVariantNumeric: "tabular-nums" }}
                      >
                        {t("overdue.days", { count: row.days_overdue })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/customers/${row.customer_id}/balance`}
                        size="sm"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {row.customer_number !== null ? `${row.customer_number} · ` : ""}
                        {row.customer_name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t(`methods.${row.method}`, { defaultValue: row.method })}</Table.Td>
                    <Table.Td>{row.order_number ?? "—"}</Table.Td>
                    <Table.Td ta="right">
                      <MoneyText value={row.amount} size="sm" />
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text size="sm" c="gray.7" py="md" ta="center">
                        {t("overdue.empty")}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" p="sm">
            <Text size="sm" c="gray.7">
              {t("overdue.shown", { count: rows.length })}
            </Text>
            {query.hasNextPage && (
              <Button
                variant="default"
                loading={query.isFetchingNextPage}
                onClick={() => void query.fetchNextPage()}
              >
                {t("loadMore")}
              </Button>
            )}
          </Group>
          {query.isError && pages && (
            <ProblemAlert error={query.error} onRetry={() => void query.fetchNextPage()} />
          )}
        </Paper>
      )}
      {!pages && query.isPending && (
        <Text size="sm" c="gray.7">
          {t("common:loading")}
        </Text>
      )}
    </Stack>
  );
}
