import { Badge, Group, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useMe } from "../../lib/me";
import { formatMoney, toCents } from "../../lib/money";
import type { MergeCustomer, MergePreview } from "./api";
import { movesText } from "./moves";

/** One row per field: the customer kept beside the duplicate that will be deleted. */
const FIELDS = [
  "number",
  "name",
  "trade_name",
  "tax_id",
  "phone",
  "email",
  "city",
  "credit_limit",
  "total_purchases",
  "balance",
  "status",
] as const;
type Field = (typeof FIELDS)[number];

const MONEY_FIELDS: ReadonlySet<Field> = new Set(["credit_limit", "total_purchases", "balance"]);

/** The preview side by side, what moves, and the survivor's balance after the merge. */
export function MergePreviewTable({ preview }: { preview: MergePreview }) {
  const { t, i18n } = useTranslation("merge");
  const { data: me } = useMe();
  const money = (value: string) => formatMoney(value, i18n.language, me?.currency ?? "BRL");

  const cell = (c: MergeCustomer, field: Field) => {
    if (field === "status") {
      return (
        <Group gap={4}>
          <Badge color={c.active ? "green.9" : "gray.8"} variant="outline" size="sm">
            {c.active ? t("status.active") : t("status.inactive")}
          </Badge>
          {c.blocked && (
            <Badge color="red.9" variant="filled" size="sm">
              {t("badges.blocked")}
            </Badge>
          )}
        </Group>
      );
    }
    const value = c[field];
    if (value === null || value === undefined || value === "") return "—";
    if (MONEY_FIELDS.has(field)) {
      const text = money(String(value));
      const owing = field === "balance" && toCents(String(value)) < 0n;
      return owing ? (
        <Text span c="red.8" inherit>
          {text}
        </Text>
      ) : (
        text
      );
    }
    return String(value);
  };

  const moves = preview.moves;
  return (
    <>
      <Title order={3} size="h5">
        {t("preview.title")}
      </Title>
      <Table withTableBorder withColumnBorders verticalSpacing={6} data-testid="merge-compare">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={180}>
              <Text size="sm" fw={700} c="gray.7" span>
                {t("preview.field")}
              </Text>
            </Table.Th>
            <Table.Th>{t("preview.survivor")}</Table.Th>
            <Table.Th bg="red.0">{t("preview.source")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {FIELDS.map((field) => (
            <Table.Tr key={field}>
              <Table.Th scope="row" fw={500}>
                {t(`fields.${field}`)}
              </Table.Th>
              <Table.Td data-side="survivor" data-field={field}>
                {cell(preview.survivor, field)}
              </Table.Td>
              <Table.Td data-side="source" data-field={field} bg="red.0">
                {cell(preview.source, field)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" data-testid="merge-moves">
        {t("preview.moves", { moves: movesText(t, moves) })}
      </Text>
      <Text size="sm" data-testid="merge-balance-after">
        {t("preview.balanceAfter")}{" "}
        <Text span fw={700} c={toCents(preview.survivor_balance_after) < 0n ? "red.8" : undefined}>
          {money(preview.survivor_balance_after)}
        </Text>
      </Text>
      <Text size="sm" c="gray.7">
        {t("preview.keeps")}
      </Text>
    </>
  );
}
