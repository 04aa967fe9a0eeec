import {
  Anchor,
  Button,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { notifications } from "@mantine/notifications";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { MoneyText } from "../../components/MoneyText";
import { ProblemAlert } from "../../components/ProblemAlert";
import { describeProblem } from "../../lib/describe-problem";
import { formatDate } from "../../lib/dates";
import { useMe } from "../../lib/me";
import { formatMoney, toCents } from "../../lib/money";
import { problemOf } from "../../lib/problem";
import {
  ageingQuery,
  DEFAULT_AGEING_FILTERS,
  downloadAgeingCsv,
  type AgeingFilters,
  type AgeingRow,
} from "./api";
import { BUCKET_COLORS, BUCKETS, bucketShares, largestDebts, type Buckets } from "./series";
import { dateFormatOf, parseTypedDate } from "./as-of";
import { StoreFilter } from "./StoreFilter";

// The chart (recharts) is its own chunk, drawn after the table: the first page does not wait
// for it.
const AgeingChart = lazy(() => import("./AgeingChart").then((m) => ({ default: m.AgeingChart })));
const CHART_CUSTOMERS = 10;
const isZero = (value: string) => toCents(value) === 0n;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The ageing: totals over every customer of the filter, the stacked bars, the paged rows. */
export function AgeingView() {
  const { t, i18n } = useTranslation("receivables");
  const { data: me } = useMe();
  const navigate = useNavigate();
  const today = me?.today ?? null;
  const [asOfInput, setAsOfInput] = useState<string>("");
  const [storeId, setStoreId] = useState<number | null>(null);
  const [exporting, setExporting] = useState(false);
  // Today (or no date) is the server's default: the fast path, and the same cache entry.
  const asOf = DATE.test(asOfInput) && asOfInput !== today ? asOfInput : null;
  const filters: AgeingFilters = useMemo(
    () => (asOf === null && storeId === null ? DEFAULT_AGEING_FILTERS : { asOf, storeId }),
    [asOf, storeId],
  );

  const query = useInfiniteQuery({ ...ageingQuery(filters), placeholderData: keepPreviousData });
  const pages = query.data?.pages;
  const rows: AgeingRow[] = useMemo(() => pages?.flatMap((p) => p.items) ?? [], [pages]);
  // Totals are recomputed by the server on every page: the latest page's are the freshest.
  const report = pages?.at(-1);
  const totals = report?.totals as Buckets | undefined;
  const chart = useMemo(() => largestDebts(rows, CHART_CUSTOMERS), [rows]);
  // One formatter for the 600 cells of a page: a MoneyText per cell (two hooks each) made the
  // first page's render measurably slower.
  const cell = (value: string) => formatMoney(value, i18n.language, me?.currency ?? "BRL");

  useEffect(() => {
    if (!report || query.isPlaceholderData) return;
    const frame = requestAnimationFrame(() =>
      performance.mark("receivables-ageing:rendered", { detail: { rows: rows.length } }),
    );
    return () => cancelAnimationFrame(frame);
  }, [report, rows.length, query.isPlaceholderData]);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const name = await downloadAgeingCsv(filters);
      notifications.show({ color: "green", message: t("ageing.exported", { name }) });
    } catch (error) {
      notifications.show({ color: "red", message: describeProblem(problemOf(error), t) });
    } finally {
      setExporting(false);
    }
  };

  // Refused outright (a crafted URL without `sales:manage`): the refusal alone, no controls.
  const forbidden = query.isError && problemOf(query.error).kind === "forbidden";
  const open = (row: AgeingRow) => void navigate(`/customers/${row.customer_id}/balance`);

  return (
    <Stack gap="md">
      <Group align="flex-end" gap="md" display={forbidden ? "none" : undefined}>
        <DateInput
          label={t("filters.asOf")}
          value={asOfInput || today}
          onChange={(value) => setAsOfInput(value ?? "")}
          valueFormat={dateFormatOf(i18n.language)}
          dateParser={(text) => parseTypedDate(text, i18n.language)}
          locale={i18n.language === "en" ? "en" : "pt-br"}
          placeholder={dateFormatOf(i18n.language)}
          clearable={asOfInput !== ""}
          w={180}
        />
        <StoreFilter value={storeId} onChange={setStoreId} />
        <Button variant="default" loading={exporting} onClick={() => void exportCsv()}>
          {t("ageing.exportCsv")}
        </Button>
      </Group>

      {query.isError && !pages && (
        <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />
      )}

      {totals && report && (
        <Paper withBorder p="md" aria-labelledby="ageing-totals-title" data-testid="ageing-totals">
          <Group justify="space-between" mb="sm">
            <Title order={3} size="h5" id="ageing-totals-title">
              {t("ageing.totalsTitle", { date: formatDate(report.as_of, i18n.language) })}
            </Title>
          </Group>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
            {[...BUCKETS, "total" as const].map((b) => (
              <div key={b} data-total={b}>
                <Text size="xs" c="gray.7">
                  {t(`buckets.${b}`)}
                </Text>
                <MoneyText value={totals[b]} fw={b === "total" ? 700 : 600} size="lg" />
              </div>
            ))}
          </SimpleGrid>
          <TotalsBar totals={totals} />
        </Paper>
      )}

      {chart.length > 0 && (
        <Suspense fallback={<Paper withBorder h={chart.length * 36 + 160} />}>
          <AgeingChart data={chart} />
        </Suspense>
      )}

      {pages && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={880}>
            <Table striped highlightOnHover stickyHeader aria-label={t("ageing.tableLabel")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("columns.number")}</Table.Th>
                  <Table.Th>{t("columns.customer")}</Table.Th>
                  {[...BUCKETS, "total" as const].map((b) => (
                    <Table.Th key={b} ta="right">
                      {t(`buckets.${b}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr
                    key={row.customer_id}
                    data-customer-id={row.customer_id}
                    onClick={() => open(row)}
                    style={{ cursor: "pointer" }}
                  >
                    <Table.Td style={{ fontVariantNumeric: "tabular-nums" }}>
                      {row.number ?? "—"}
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/customers/${row.customer_id}/balance`}
                        size="sm"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {row.name}
                      </Anchor>
                    </Table.Td>
                    {[...BUCKETS, "total" as const].map((b) => (
                      <Table.Td key={b} ta="right">
                        {b !== "total" && isZero(row[b]) ? (
                          <Text span size="sm" c="gray.7" aria-label={t("zero")}>
                            —
                          </Text>
                        ) : (
                          <span
                            data-money=""
                            style={{
                              fontVariantNumeric: "tabular-nums",
                              whiteSpace: "nowrap",
                              fontWeight: b === "total" ? 600 : undefined,
                            }}
                          >
                            {cell(row[b])}
                          </span>
                        )}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
                {rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={8}>
                      <Text size="sm" c="gray.7" py="md" ta="center">
                        {t("ageing.empty")}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" p="sm">
            <Text size="sm" c="gray.7" data-testid="ageing-shown">
              {t("ageing.shown", { count: rows.length })}
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

/** The totals as one bar split by bucket, each part's share written beside the legend. */
function TotalsBar({ totals }: { totals: Buckets }) {
  const { t } = useTranslation("receivables");
  const shares = bucketShares(totals);
  return (
    <Stack gap={6} mt="md">
      <Progress.Root size={18} aria-hidden>
        {BUCKETS.map((b) =>
          shares[b] > 0 ? (
            <Progress.Section key={b} value={shares[b]} color={BUCKET_COLORS[b]} />
          ) : null,
        )}
      </Progress.Root>
      <Group gap="md">
        {BUCKETS.map((b) => (
          <Group key={b} gap={6} wrap="nowrap">
            <span
              style={{
                display: "inline-block",
                width: 10,
                height: 10,
                borderRadius: 2,
                background: `var(--mantine-color-${BUCKET_COLORS[b].replace(".", "-")})`,
              }}
            />
            <Text size="xs">
              {t(`buckets.${b}`)}: {shares[b]}%
            </Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}
