import { Alert, Badge, Center, Loader, Modal, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { MoneyText } from "../../components/MoneyText";
import { formatDate } from "../../lib/dates";
import { describeProblem } from "../../lib/describe-problem";
import { problemOf } from "../../lib/problem";
import { useOrder, type Order } from "./api";

/** An order opened from the purchase history: its terms, amounts and every delivery. */
export function OrderModal({
  customerId,
  orderId,
  onClose,
}: {
  customerId: number;
  orderId: number | null;
  onClose: () => void;
}) {
  const { t } = useTranslation("purchases");
  const order = useOrder(customerId, orderId);
  return (
    <Modal
      opened={orderId !== null}
      onClose={onClose}
      size="lg"
      closeButtonProps={{ "aria-label": t("common:close") }}
      title={order.data ? t("order.title", { number: order.data.number }) : t("order.loading")}
    >
      {order.isPending ? (
        <Center p="lg">
          <Loader aria-label={t("common:loading")} />
        </Center>
      ) : order.isError ? (
        <Alert color="red">{describeProblem(problemOf(order.error), t)}</Alert>
      ) : (
        <OrderDetails order={order.data} />
      )}
    </Modal>
  );
}

function OrderDetails({ order }: { order: Order }) {
  const { t, i18n } = useTranslation("purchases");
  const locale = i18n.language;
  return (
    <Stack gap="md" data-testid="order-details">
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm" verticalSpacing="xs">
        <Field label={t("order.placedOn")}>{formatDate(order.placed_on, locale)}</Field>
        <Field label={t("order.status")}>
          <Badge variant="light" color="gray">
            {t(`orderStatus.${order.status}`)}
          </Badge>
        </Field>
        <Field label={t("order.terms")}>{t(`terms.${order.payment_terms}`)}</Field>
        <Field label={t("order.deliveryType")}>{t(`deliveryType.${order.delivery_type}`)}</Field>
        <Field label={t("order.total")}>
          <MoneyText value={order.total} />
        </Field>
        <Field label={t("order.delivered")}>
          <MoneyText value={order.delivered_amount} />
        </Field>
        <Field label={t("order.outstanding")}>
          <MoneyText value={order.outstanding_delivery} />
        </Field>
        {order.closed_on && (
          <Field label={t("order.closedOn")}>{formatDate(order.closed_on, locale)}</Field>
        )}
        {order.external_ref && <Field label={t("order.externalRef")}>{order.external_ref}</Field>}
      </SimpleGrid>
      <div>
        <Text fw={600} size="sm" mb={4}>
          {t("order.deliveries")}
        </Text>
        {order.deliveries.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t("order.noDeliveries")}
          </Text>
        ) : (
          <Table withTableBorder striped fz="sm" data-testid="order-deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("order.sequence")}</Table.Th>
                <Table.Th>{t("order.deliveredOn")}</Table.Th>
                <Table.Th ta="right">{t("order.amount")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {order.deliveries.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{d.sequence}</Table.Td>
                  <Table.Td>{formatDate(d.delivered_on, locale)}</Table.Td>
                  <Table.Td ta="right">
                    <MoneyText value={d.amount} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </div>
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="gray.7">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}
