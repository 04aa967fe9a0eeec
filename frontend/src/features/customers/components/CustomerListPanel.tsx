import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

export interface CustomerListPanelProps {
  /** The customer shown on the right, if any (from the URL). */
  selectedId: number | null;
}

/**
 * The list panel (placeholder). Its search input must carry `data-customer-search`: the shell's
 * Ctrl+Shift+C focuses it. Selecting a customer navigates to /customers/:id/details.
 */
export function CustomerListPanel(_props: CustomerListPanelProps) {
  const { t } = useTranslation("customers-list");
  return (
    <Stack p="md" gap="xs">
      <Title order={2} size="h3">
        {t("title")}
      </Title>
      <Text c="gray.7" size="sm">
        {t("placeholder")}
      </Text>
    </Stack>
  );
}
