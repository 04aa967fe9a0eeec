import "@mantine/charts/styles.css";
import {
  Alert,
  Badge,
  Center,
  Group,
  List,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { components } from "../../api/schema";
import { formatDate } from "../../lib/dates";
import { describeProblem } from "../../lib/describe-problem";
import { useMe } from "../../lib/me";
import { formatMoney, toCents } from "../../lib/money";
import { problemOf } from "../../lib/problem";
import { useCreditReport } from "./api";
import { HistoryCharts } from "./HistoryCharts";
import { observationText, severityColor, type CreditReport } from "./observations";

type Customer = components["schemas"]["CustomerOut"];

/** Fewer orders than this: the reference's "limited output" (the server's LIMITED_HISTORY). */
const LIMITED = "LIMITED_HISTORY";
/** Badge shades dark or light enough for readable text on them (axe's contrast check). */
const BADGE_SHADE: Record<string, number> = { red: 9, orange: 4, blue: 8 };

/**
 * The credit report: the red warning, orders, payment behaviour, observations (coloured by
 * severity) and the history chart. Read-only, for anyone who can see customers.
 */
export function ReportTab({ customer }: { customer: Customer }) {
  const { t, i18n } = useTranslation("reports");
  const { data: me } = useMe();
  const report = useCreditReport(customer.id);
  const money = (value: string) => formatMoney(value, i18n.language, me?.currency ?? "BRL");

  if (report.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("common:loading")} />
      </Center>
    );
  }
  if (report.isError) {
    return <Alert color="red">{describeProblem(problemOf(report.error), t)}</Alert>;
  }
  const r = report.data;
  const limited = r.observations.some((o) => o.code === LIMITED);
  const date = (value: string | null | undefined) =>
    value ? formatDate(value, i18n.language) : "—";
  const days = (value: number | null | undefined) =>
    value === null || value === undefined ? "—" : t("days", { count: value });

  return (
    <Stack gap="md" data-testid="credit-report">
      {r.warning && (
        <Alert color="red" variant="filled" title={t("warning.title")} data-testid="report-warning">
          <List size="sm" c="white">
            {r.warning_reasons.map((code) => (
              <List.Item key={code}>{t(`warning.reasons.${code}`)}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {limited && (
        <Alert color="blue" title={t("limited.title")} data-testid="report-limited">
          {t("limited.body", { count: r.orders.count })}
        </Alert>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Section title={t("orders.title")} testId="report-orders">
          <Figure label={t("orders.count")} value={String(r.orders.count)} />
          <Figure label={t("orders.first")} value={date(r.orders.first_order_date)} />
          <Figure label={t("orders.last")} value={date(r.orders.last_order_date)} />
          <Figure label={t("orders.totalOrdered")} value={money(r.orders.total_ordered)} />
          <Figure label={t("orders.totalDelivered")} value={money(r.orders.total_delivered)} />
          <Figure
            label={t("orders.outstanding")}
            value={money(r.orders.outstanding)}
            color={toCents(r.orders.outstanding) > 0n ? "red.8" : undefined}
          />
          <Figure
            label={t("orders.indebtedness")}
            value={
              r.orders.indebtedness_percent === null || r.orders.indebtedness_percent === undefined
                ? "—"
                : `${new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(
                    r.orders.indebtedness_percent,
                  )} %`
            }
          />
        </Section>
        <Section title={t("behaviour.title")} testId="report-behaviour">
          <Figure
            label={t("behaviour.averageDays")}
            value={days(r.behaviour.average_days_to_pay)}
          />
          <Figure
            label={t("behaviour.sinceLastPayment")}
            value={days(r.behaviour.days_since_last_payment)}
          />
          <Figure
            label={t("behaviour.averageOrder")}
            value={r.behaviour.average_order_value ? money(r.behaviour.average_order_value) : "—"}
          />
          <Figure
            label={t("behaviour.oldestUnpaid")}
            value={days(r.behaviour.oldest_unpaid_days)}
          />
        </Section>
      </SimpleGrid>

      <Observations report={r} money={money} />

      <HistoryCharts customerId={customer.id} limited={limited} today={me?.today ?? r.as_of} />

      <Text size="xs" c="gray.7">
        {t("asOf", { date: date(r.as_of) })}
      </Text>
    </Stack>
  );
}

function Section({
  title,
  testId,
  children,
}: {
  title: string;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId}>
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      <Stack gap={6} component="dl" m={0}>
        {children}
      </Stack>
    </Paper>
  );
}

function Figure({ label, value, color }: { label: string; value: string; color?: string }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text component="dt" size="sm" c="gray.7">
        {label}
      </Text>
      <Text
        component="dd"
        m={0}
        fw={600}
        c={color}
        style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}
      >
        {value}
      </Text>
    </Group>
  );
}

function Observations({ report, money }: { report: CreditReport; money: (v: string) => string }) {
  const { t } = useTranslation("reports");
  return (
    <Paper withBorder p="md" radius="md" data-testid="report-observations">
      <Title order={3} size="h5" mb="sm">
        {t("observationsTitle")}
      </Title>
      {report.observations.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t("noObservations")}
        </Text>
      ) : (
        <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: "none" }}>
          {report.observations.map((o) => {
            const { key, delayKey, values } = observationText(o, report, money);
            const color = severityColor(o.severity);
            return (
              <Group
                key={o.code}
                component="li"
                gap="sm"
                wrap="nowrap"
                align="flex-start"
                data-code={o.code}
                data-severity={o.severity}
                p="xs"
                style={{
                  borderLeft: `4px solid var(--mantine-color-${color}-6)`,
                  background: `var(--mantine-color-${color}-0)`,
                  borderRadius: 4,
                }}
              >
                <Badge
                  color={`${color}.${BADGE_SHADE[color] ?? 8}`}
                  autoContrast
                  variant="filled"
                  w={116}
                  style={{ flexShrink: 0 }}
                >
                  {t(`severity.${o.severity}`)}
                </Badge>
                <Text size="sm">
                  {t(key, {
                    ...values,
                    phrase: t(delayKey, { count: Number(values.days) }),
                    defaultValue: o.message,
                  })}
                </Text>
              </Group>
            );
          })}
        </Stack>
      )}
    </Paper>
  );
}
