import { Badge, Group, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Customer } from "../api";
import { MoneyText } from "./MoneyText";

/** Name, number, BLOCKED / INACTIVE badges, balance (red when owing) and available credit. */
export function CustomerHeader({ customer }: { customer: Customer }) {
  const { t } = useTranslation("customer-details");
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
      <Stack gap={2}>
        <Group gap="xs">
          <Title order={2} size="h3">
            {customer.name}
          </Title>
          {customer.blocked && (
            <Badge color="red" variant="filled">
              {t("badges.blocked")}
            </Badge>
          )}
          {!customer.active && (
            <Badge color="gray" variant="outline">
              {t("badges.inactive")}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="gray.7">
          {customer.number !== null ? t("number", { number: customer.number }) : null}
          {customer.trade_name ? ` · ${customer.trade_name}` : ""}
        </Text>
      </Stack>
      <Group gap="lg">
        <Stack gap={0} align="flex-end">
          <Text size="xs" c="gray.7">
            {t("fields.balance")}
          </Text>
          <Text fw={600} data-testid="header-balance">
            <MoneyText value={customer.balance} colorOwing />
          </Text>
        </Stack>
        {customer.credit_limit !== null && customer.available_credit !== null && (
          <Stack gap={0} align="flex-end">
            <Text size="xs" c="gray.7">
              {t("availableCredit")}
            </Text>
            <Text fw={600} data-testid="header-available-credit">
              <MoneyText value={customer.available_credit} colorOwing />
            </Text>
          </Stack>
        )}
      </Group>
    </Group>
  );
}
