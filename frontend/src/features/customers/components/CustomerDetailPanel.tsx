import { Center, Stack, Tabs, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useCan } from "../../../lib/me";
import { CUSTOMER_TABS, TAB_PERMISSION, type CustomerTab } from "../tabs";

export interface CustomerDetailPanelProps {
  customerId: number | null;
  tab: CustomerTab;
}

/**
 * The selected customer: header (name, number, badges — placeholder) and one tab per section,
 * each a URL. Only the Details tab will hold content in this release; the others say so.
 */
export function CustomerDetailPanel({ customerId, tab }: CustomerDetailPanelProps) {
  const { t } = useTranslation("customer-details");
  const navigate = useNavigate();
  const can = useCan();

  if (customerId === null) {
    return (
      <Center h="100%" p="xl">
        <Text c="gray.7">{t("empty")}</Text>
      </Center>
    );
  }

  const visible = CUSTOMER_TABS.filter((name) => {
    const needed = TAB_PERMISSION[name];
    return !needed || can(needed);
  });

  return (
    <Stack gap={0} h="100%">
      <Stack gap={4} px="md" pt="md" pb="xs" data-testid="customer-header">
        <Title order={2} size="h3">
          {t("customer", { id: customerId })}
        </Title>
      </Stack>
      <Tabs
        value={visible.includes(tab) ? tab : "details"}
        onChange={(value) => value && void navigate(`/customers/${customerId}/${value}`)}
        keepMounted={false}
      >
        <Tabs.List aria-label={t("tabsLabel")} px="md">
          {visible.map((name) => (
            <Tabs.Tab key={name} value={name}>
              {t(`tabs.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {visible.map((name) => (
          <Tabs.Panel key={name} value={name} p="md">
            <Text c="gray.7">{name === "details" ? t("detailsPlaceholder") : t("comingSoon")}</Text>
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
