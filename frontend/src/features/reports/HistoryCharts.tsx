import { BarChart } from "@mantine/charts";
import {
  Alert,
  Center,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../lib/dates";
import { describeProblem } from "../../lib/describe-problem";
import { useMe } from "../../lib/me";
import { fromCents } from "../../lib/money";
import { problemOf } from "../../lib/problem";
import { useReportHistory } from "./api";
import { deliveryDays, firstFullMonth, monthlyTotals } from "./history";
import { NORMAL_TERMS_DAYS, STRONG_DAYS, WARNING_DAYS } from "./observations";

/** Chart values are numbers for drawing only; every sum behind them is in integer cents. */
const toNumber = (cents: bigint) => Number(fromCents(cents));

/**
 * The customer's history from the statement: delivered vs received per month, and the days
 * taken to pay each of the latest deliveries against the report's thresholds.
 */
export function HistoryCharts({
  customerId,
  today,
  limited,
}: {
  customerId: number;
  today: string;
  limited: boolean;
}) {
  const { t, i18n } = useTranslation("reports");
  const { data: me } = useMe();
  const history = useReportHistory(customerId, today);
  const currency = me?.currency ?? "BRL";

  if (history.isPending) {
    return (
      <Center p="md">
        <Loader size="sm" aria-label={t("common:loading")} />
      </Center>
    );
  }
  if (history.isError) {
    return <Alert color="red">{describeProblem(problemOf(history.error), t)}</Alert>;
  }
  const { entries, complete } = history.data;
  if (entries.length === 0) {
    return (
      <Paper withBorder p="md" radius="md" data-testid="report-chart-empty">
        <Text size="sm" c="gray.7">
          {t("chart.empty")}
        </Text>
      </Paper>
    );
  }

  const from = firstFullMonth(entries, today, complete);
  const monthFormat = new Intl.DateTimeFormat(i18n.language, {
    month: "short",
    year: "2-digit",
    timeZone: "UTC",
  });
  const months = monthlyTotals(entries, today, from).map((m) => ({
    month: monthFormat.format(new Date(`${m.month}-01T00:00:00Z`)),
    delivered: toNumber(m.delivered),
    received: toNumber(m.received),
  }));
  const moneyFormat = new Intl.NumberFormat(i18n.language, {
    style: "currency",
    currency,
    maximumFractionDigits: 0,
  });
  const deliveries = deliveryDays(entries, today).map((d) => ({
    delivery: `${formatDate(d.date, i18n.language).slice(0, 5)} · ${d.reference}`,
    paid: d.open ? null : d.days,
    open: d.open ? d.days : null,
  }));

  return (
    <Paper withBorder p="md" radius="md" data-testid="report-chart">
      <Stack gap="lg">
        <figure style={{ margin: 0 }}>
          <Group justify="space-between" align="baseline" mb="xs">
            <Title order={3} size="h5" component="figcaption">
              {t("chart.monthlyTitle")}
            </Title>
            <Text size="xs" c="gray.7">
              {t("chart.since", {
                month: monthFormat.format(new Date(`${from}-01T00:00:00Z`)),
              })}
            </Text>
          </Group>
          <BarChart
            h={220}
            data={months}
            dataKey="month"
            series={[
              { name: "delivered", label: t("chart.delivered"), color: "red.7" },
              { name: "received", label: t("chart.received"), color: "teal.7" },
            ]}
            valueFormatter={(v) => moneyFormat.format(v)}
            withLegend
            legendProps={{ verticalAlign: "top", height: 36 }}
            yAxisProps={{ width: 90 }}
            textColor="gray.7"
            data-testid="chart-monthly"
          />
          <VisuallyHidden>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("chart.month")}</Table.Th>
                  <Table.Th>{t("chart.delivered")}</Table.Th>
                  <Table.Th>{t("chart.received")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {months.map((m) => (
                  <Table.Tr key={m.month}>
                    <Table.Td>{m.month}</Table.Td>
                    <Table.Td>{moneyFormat.format(m.delivered)}</Table.Td>
                    <Table.Td>{moneyFormat.format(m.received)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </VisuallyHidden>
        </figure>
        {limited ? (
          <Text size="sm" c="gray.7" data-testid="chart-days-limited">
            {t("chart.daysLimited")}
          </Text>
        ) : (
          deliveries.length > 0 && (
            <figure style={{ margin: 0 }}>
              <Title order={3} size="h5" component="figcaption" mb="xs">
                {t("chart.daysTitle", { count: deliveries.length })}
              </Title>
              <BarChart
                h={240}
                data={deliveries}
                dataKey="delivery"
                type="stacked"
                series={[
                  { name: "paid", label: t("chart.paid"), color: "blue.7" },
                  { name: "open", label: t("chart.open"), color: "orange.6" },
                ]}
                valueFormatter={(v) => t("days", { count: v })}
                referenceLines={[
                  { y: NORMAL_TERMS_DAYS, label: t("chart.terms"), color: "gray.7" },
                  { y: WARNING_DAYS, label: t("chart.warningLine"), color: "orange.8" },
                  { y: STRONG_DAYS, label: t("chart.strongLine"), color: "red.8" },
                ].map((line) => ({ ...line, labelPosition: "right" as const }))}
                barChartProps={{ margin: { right: 112 } }}
                withLegend
                legendProps={{ verticalAlign: "top", height: 36 }}
                yAxisLabel={t("chart.daysAxis")}
                yAxisProps={{
                  width: 52,
                  tickFormatter: (v: number) => String(v),
                  domain: [0, (max: number) => Math.max(max, STRONG_DAYS + 10)],
                }}
                xAxisProps={{ tick: { fontSize: 10 }, interval: "preserveStartEnd" }}
                textColor="gray.7"
                data-testid="chart-days"
              />
              <VisuallyHidden>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("chart.delivery")}</Table.Th>
                      <Table.Th>{t("chart.paid")}</Table.Th>
                      <Table.Th>{t("chart.open")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {deliveries.map((d, i) => (
                      <Table.Tr key={i}>
                        <Table.Td>{d.delivery}</Table.Td>
                        <Table.Td>{d.paid ?? "—"}</Table.Td>
                        <Table.Td>{d.open ?? "—"}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </VisuallyHidden>
            </figure>
          )
        )}
      </Stack>
    </Paper>
  );
}
