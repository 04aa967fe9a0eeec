import { Alert, Loader, Table, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { describeProblem } from "../../../lib/describe-problem";
import { formatTimestamp } from "../../../lib/dates";
import { useMe } from "../../../lib/me";
import { formatMoney } from "../../../lib/money";
import { problemOf } from "../../../lib/problem";
import { useAudit } from "./queries";

const MONEY_FIELDS = new Set(["credit_limit", "balance"]);
// Ids the clerk cannot read (the store is named in the form).
const HIDDEN = new Set(["store_id", "id"]);

function show(
  name: string,
  value: unknown,
  t: TFunction,
  locale: string,
  currency: string,
): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? t("yes") : t("no");
  if (MONEY_FIELDS.has(name) && typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) {
    return formatMoney(value, locale, currency);
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The customer's audit trail (sales:manage): when, who, what, each changed field before → after. */
export function AuditHistory({ customerId }: { customerId: number }) {
  const { t, i18n } = useTranslation("customer-details");
  const { data: me } = useMe();
  const audit = useAudit(customerId, true);
  if (audit.isPending) return <Loader size="sm" aria-label={t("common:loading")} />;
  if (audit.isError) return <Alert color="red">{describeProblem(problemOf(audit.error), t)}</Alert>;
  if (audit.data.length === 0) return <Text size="sm">{t("audit.empty")}</Text>;
  return (
    <Table striped withTableBorder fz="sm" data-testid="audit-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("audit.when")}</Table.Th>
          <Table.Th>{t("audit.who")}</Table.Th>
          <Table.Th>{t("audit.action")}</Table.Th>
          <Table.Th>{t("audit.changes")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {audit.data.map((entry) => {
          const changes = entry.changes as {
            before?: Record<string, unknown>;
            after?: Record<string, unknown>;
          };
          const currency = me?.currency ?? "BRL";
          const shown = (name: string, v: unknown) => show(name, v, t, i18n.language, currency);
          // Only what changed: a new customer's empty fields are left out.
          const names = Object.keys({ ...changes.before, ...changes.after }).filter(
            (name) =>
              !HIDDEN.has(name) &&
              shown(name, changes.before?.[name]) !== shown(name, changes.after?.[name]),
          );
          return (
            <Table.Tr key={entry.id}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {formatTimestamp(entry.occurred_at, i18n.language, me?.timezone)}
              </Table.Td>
              <Table.Td>{entry.principal?.name ?? t("audit.system")}</Table.Td>
              <Table.Td>
                {t(`audit.actions.${entry.action.replace(/\./g, "_")}`, {
                  defaultValue: entry.action,
                })}
              </Table.Td>
              <Table.Td>
                {names.map((name) => (
                  <div key={name}>
                    <b>{t([`fields.${name}`, `audit.fields.${name}`], { defaultValue: name })}</b>:{" "}
                    {shown(name, changes.before?.[name])} → {shown(name, changes.after?.[name])}
                  </div>
                ))}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
