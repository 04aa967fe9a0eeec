import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import { Paper, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useMe } from "../../lib/me";
import { formatMoney } from "../../lib/money";
import { BUCKET_COLORS, BUCKETS, type ChartRow } from "./series";

const shortName = (name: string) => (name.length > 30 ? `${name.slice(0, 29)}…` : name);

/** The largest debts among the loaded customers: one bar each, stacked by the debt's age. */
export function AgeingChart({ data }: { data: ChartRow[] }) {
  const { t, i18n } = useTranslation("receivables");
  const { data: me } = useMe();
  const money = (v: number) => formatMoney(v.toFixed(2), i18n.language, me?.currency ?? "BRL");
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="xs">
        {t("ageing.chartTitle", { count: data.length })}
      </Title>
      <Text size="xs" c="gray.7" mb="sm">
        {t("ageing.chartNote")}
      </Text>
      <BarChart
        h={Math.max(180, data.length * 36 + 80)}
        data={data}
        dataKey="label"
        type="stacked"
        orientation="vertical"
        yAxisProps={{ width: 220, tickFormatter: shortName, interval: 0 }}
        valueFormatter={money}
        withLegend
        legendProps={{ verticalAlign: "bottom" }}
        series={BUCKETS.map((b) => ({
          name: b,
          label: t(`buckets.${b}`),
          color: BUCKET_COLORS[b],
        }))}
      />
    </Paper>
  );
}
