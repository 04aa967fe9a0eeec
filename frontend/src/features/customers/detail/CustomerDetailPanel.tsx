import { Alert, Anchor, Center, Divider, Loader, Stack, Tabs, Text, Title } from "@mantine/core";
import { Suspense, useContext } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { describeProblem } from "../../../lib/describe-problem";
import { useCan } from "../../../lib/me";
import { problemOf } from "../../../lib/problem";
import { CustomerTabSlotsContext, type CustomerTabSlots } from "../tab-slots";
import { CUSTOMER_TABS, TAB_PERMISSION, type CustomerTab } from "../tabs";
import { AuditHistory } from "./AuditHistory";
import { CustomerHeader } from "./CustomerHeader";
import { DetailsForm } from "./DetailsForm";
import type { Customer } from "../api";
import { useCustomer } from "./queries";

export interface CustomerDetailPanelProps {
  customerId: number | null;
  tab: CustomerTab;
  /** /customers/new: the new-customer form. */
  isNew?: boolean;
}

/**
 * The right panel: an empty state, the new-customer form, or the selected customer's header and
 * tabs (each a URL; a tab's content mounts, and loads its data, only when visited).
 */
export function CustomerDetailPanel({ customerId, tab, isNew = false }: CustomerDetailPanelProps) {
  const { t } = useTranslation("customer-details");
  const navigate = useNavigate();
  const can = useCan();
  const customer = useCustomer(isNew ? null : customerId);
  const slots: CustomerTabSlots = useContext(CustomerTabSlotsContext);

  if (isNew) {
    return (
      <Stack gap="sm" p="md" h="100%" style={{ overflow: "auto" }} data-testid="customer-new">
        <Title order={2} size="h3">
          {t("newTitle")}
        </Title>
        <DetailsForm record={null} />
      </Stack>
    );
  }
  if (customerId === null) {
    return (
      <Center h="100%" p="xl" data-testid="customer-empty">
        <Stack align="center" gap="xs" maw={360}>
          <Text fw={600}>{t("emptyTitle")}</Text>
          <Text c="gray.7" ta="center">
            {t("empty")}
          </Text>
          <Anchor component={Link} to="/customers/new">
            {t("newLink")}
          </Anchor>
        </Stack>
      </Center>
    );
  }
  if (customer.isPending) {
    return (
      <Center h="100%">
        <Loader aria-label={t("common:loading")} />
      </Center>
    );
  }
  if (customer.isError) {
    const p = problemOf(customer.error);
    const survivor = p.body.merged_into as
      { id: number; number: number | null; name: string } | undefined;
    return (
      <Stack p="md">
        {p.type.endsWith("customer-merged") && survivor ? (
          <Alert color="blue" title={t("merged.title")} data-testid="customer-merged">
            {t("merged.body")}{" "}
            <Anchor component={Link} to={`/customers/${survivor.id}/details`}>
              {survivor.number !== null ? `#${survivor.number} ` : ""}
              {survivor.name}
            </Anchor>
          </Alert>
        ) : (
          <Alert color="red">{describeProblem(p, t)}</Alert>
        )}
      </Stack>
    );
  }

  const visible = CUSTOMER_TABS.filter((name) => {
    const needed = TAB_PERMISSION[name];
    return !needed || can(needed);
  });
  const record = customer.data;

  return (
    <Stack gap={0} h="100%" style={{ overflow: "auto" }}>
      <Stack gap={4} px="md" pt="md" pb="xs" data-testid="customer-header">
        <CustomerHeader customer={record.customer} />
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
            {name === "details" ? (
              <>
                <DetailsForm key={record.customer.id} record={record} />
                {can("sales:manage") && (
                  <>
                    <Divider my="lg" />
                    <Title order={3} size="h5" mb="xs">
                      {t("audit.title")}
                    </Title>
                    <AuditHistory customerId={record.customer.id} />
                  </>
                )}
              </>
            ) : (
              <TabSlot slots={slots} tab={name} record={record.customer} />
            )}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

/** A tab's content, from the feature that owns it (composed in app/customer-tabs.tsx). */
function TabSlot({
  slots,
  tab,
  record,
}: {
  slots: CustomerTabSlots;
  tab: CustomerTab;
  record: Customer;
}) {
  const { t } = useTranslation("customer-details");
  const Content = slots[tab];
  if (!Content) return null;
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader aria-label={t("common:loading")} />
        </Center>
      }
    >
      <Content key={record.id} customer={record} />
    </Suspense>
  );
}
