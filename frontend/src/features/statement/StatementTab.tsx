import { Alert, Button, Center, Checkbox, Group, Loader, Stack, Table, Text } from "@mantine/core";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { components } from "../../api/schema";
import { MoneyText } from "../../components/MoneyText";
import { formatDate } from "../../lib/dates";
import { toCents } from "../../lib/money";
import { describeProblem } from "../../lib/describe-problem";
import { problemOf } from "../../lib/problem";
import { useStatement } from "./api";
import { ExportButton } from "./ExportButton";
import {
  anchoredScrollTop,
  balanceTone,
  chronologicalRows,
  descriptionKey,
  formatAmount,
  loadedSummary,
  type StatementEntry,
} from "./model";
import classes from "./StatementTab.module.css";

type Customer = components["schemas"]["CustomerOut"];

/**
 * The Balance tab: the customer's statement, oldest loaded row at the top and the newest at the
 * bottom (in view when the tab opens), with the running balance on financial rows. "Load earlier
 * period" at the top prepends the page before and keeps the rows the user was reading in place.
 */
export function StatementTab({ customer }: { customer: Customer }) {
  const { t, i18n } = useTranslation("statement");
  const [financialOnly, setFinancialOnly] = useState(false);
  const statement = useStatement(customer.id, financialOnly);
  const pages = statement.data?.pages ?? [];
  const rows = chronologicalRows(pages);
  const summary = loadedSummary(pages);
  const locale = i18n.language;

  const scroller = useRef<HTMLDivElement>(null);
  // Where the user was when older rows were asked for; applied once they are drawn.
  const beforePrepend = useRef<{ top: number; height: number } | null>(null);
  // The filter whose newest rows were last scrolled into view.
  const shownFor = useRef<boolean | null>(null);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || pages.length === 0) return;
    if (shownFor.current !== financialOnly) {
      // First page of this view: the newest rows, at the bottom, are what the clerk looks for.
      shownFor.current = financialOnly;
      el.scrollTop = el.scrollHeight;
      return;
    }
    const before = beforePrepend.current;
    if (before) {
      beforePrepend.current = null;
      el.scrollTop = anchoredScrollTop(before.top, before.height, el.scrollHeight);
    }
  }, [pages.length, financialOnly]);

  // For the speed measurement (frontend/perf): the frame after the first page was drawn.
  const firstPageDrawn = pages.length > 0;
  useEffect(() => {
    if (!firstPageDrawn) return;
    const frame = requestAnimationFrame(() =>
      performance.mark("statement:first-page", { detail: { customerId: customer.id } }),
    );
    return () => cancelAnimationFrame(frame);
  }, [firstPageDrawn, customer.id]);

  const loadEarlier = () => {
    const el = scroller.current;
    if (el) beforePrepend.current = { top: el.scrollTop, height: el.scrollHeight };
    void statement.fetchNextPage();
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Checkbox
          label={t("financialOnly")}
          checked={financialOnly}
          onChange={(e) => setFinancialOnly(e.currentTarget.checked)}
          data-testid="statement-financial-only"
        />
        <ExportButton customer={customer} financialOnly={financialOnly} loaded={summary} />
      </Group>
      <Group gap="lg" wrap="wrap" className={classes.summary} data-testid="statement-summary">
        <SummaryItem label={t("summary.period")}>
          <span data-testid="statement-period">
            {summary.from && summary.to
              ? t("summary.range", {
                  from: formatDate(summary.from, locale),
                  to: formatDate(summary.to, locale),
                })
              : "—"}
          </span>
        </SummaryItem>
        <SummaryItem label={t("summary.received")}>
          <MoneyText value={summary.totalReceived} fw={600} data-testid="statement-received" />
        </SummaryItem>
        <SummaryItem label={t("summary.delivered")}>
          <MoneyText value={summary.totalDelivered} fw={600} data-testid="statement-delivered" />
        </SummaryItem>
        {toCents(summary.totalReturned) !== 0n && (
          <SummaryItem label={t("summary.returned")}>
            <MoneyText value={summary.totalReturned} fw={600} data-testid="statement-returned" />
          </SummaryItem>
        )}
        <SummaryItem label={t("summary.rows")}>
          <span data-testid="statement-row-count">{summary.rows}</span>
        </SummaryItem>
      </Group>

      {statement.isError && (
        <Alert color="red" data-testid="statement-problem">
          {describeProblem(problemOf(statement.error), t)}
        </Alert>
      )}
      {statement.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("common:loading")} />
        </Center>
      ) : (
        statement.isSuccess && (
          <div
            ref={scroller}
            className={classes.scroller}
            tabIndex={0}
            role="region"
            aria-label={t("gridLabel")}
            data-testid="statement-scroller"
          >
            {statement.hasNextPage && (
              <Center py="xs">
                <Button
                  variant="light"
                  size="xs"
                  onClick={loadEarlier}
                  loading={statement.isFetchingNextPage}
                  data-testid="statement-load-earlier"
                >
                  {t("loadEarlier")}
                </Button>
              </Center>
            )}
            {rows.length === 0 ? (
              <Text c="gray.7" p="md" ta="center" data-testid="statement-empty">
                {t("empty")}
              </Text>
            ) : (
              <Table
                striped
                highlightOnHover
                stickyHeader
                horizontalSpacing={6}
                verticalSpacing={6}
                className={classes.table}
                data-testid="statement-table"
              >
                <colgroup>
                  <col className={classes.colDate} />
                  <col className={classes.colType} />
                  <col className={classes.colReference} />
                  <col />
                  <col className={classes.colAmount} />
                  <col className={classes.colAmount} />
                  <col className={classes.colBalance} />
                </colgroup>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("columns.date")}</Table.Th>
                    <Table.Th>{t("columns.type")}</Table.Th>
                    <Table.Th className={classes.num}>{t("columns.reference")}</Table.Th>
                    <Table.Th>{t("columns.description")}</Table.Th>
                    <Table.Th className={classes.num}>{t("columns.debit")}</Table.Th>
                    <Table.Th className={classes.num}>{t("columns.credit")}</Table.Th>
                    <Table.Th className={classes.num}>{t("columns.balance")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map(({ key, entry }) => (
                    <EntryRow key={key} rowKey={key} entry={entry} locale={locale} />
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </div>
        )
      )}
    </Stack>
  );
}

function SummaryItem({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="gray.7">
        {label}
      </Text>
      <Text size="sm" fw={600} component="div">
        {children}
      </Text>
    </div>
  );
}

function EntryRow({
  rowKey,
  entry,
  locale,
}: {
  rowKey: string;
  entry: StatementEntry;
  locale: string;
}) {
  const { t } = useTranslation("statement");
  const financial = entry.balance !== null;
  const tone = balanceTone(entry.balance);
  const description = descriptionKey(entry);
  return (
    <Table.Tr
      className={financial ? undefined : classes.activity}
      data-testid="statement-row"
      // The row's values as the API sent them, for the browser tests to compare with the API.
      data-key={rowKey}
      data-type={entry.type}
      data-date={entry.date}
      data-reference={entry.reference}
      data-debit={entry.debit ?? ""}
      data-credit={entry.credit ?? ""}
      data-balance={entry.balance ?? ""}
    >
      <Table.Td className={classes.nowrap}>{formatDate(entry.date, locale)}</Table.Td>
      <Table.Td>{t(`types.${entry.type}`, { defaultValue: entry.type })}</Table.Td>
      <Table.Td className={classes.num}>{entry.reference}</Table.Td>
      <Table.Td>
        {description
          ? t(`descriptions.${description.key}`, {
              n: description.n,
              defaultValue: entry.description,
            })
          : entry.description}
      </Table.Td>
      <Table.Td className={classes.num}>
        {entry.debit !== null && formatAmount(entry.debit, locale)}
      </Table.Td>
      <Table.Td className={classes.num}>
        {entry.credit !== null && formatAmount(entry.credit, locale)}
      </Table.Td>
      <Table.Td className={classes.num} data-balance-tone={tone ?? undefined}>
        {entry.balance !== null && (
          <Text span inherit fw={600} className={tone ? classes[tone] : undefined} data-money="">
            {formatAmount(entry.balance, locale)}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
