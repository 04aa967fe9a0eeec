import { Alert, Anchor, Badge, Button, Center, Loader, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { components } from "../../api/schema";
import { MoneyText } from "../../components/MoneyText";
import { formatDate } from "../../lib/dates";
import { describeProblem } from "../../lib/describe-problem";
import { problemOf } from "../../lib/problem";
import { usePurchases } from "./api";
import { OrderModal } from "./OrderModal";
import { paymentStatusLook } from "./status";

type Customer = components["schemas"]["CustomerOut"];

/**
 * The Purchases tab: each order with something delivered, newest first, with its amount (what
 * was delivered) and whether it is paid. The order number opens the order with its deliveries.
 */
export function PurchasesTab({ customer }: { customer: Customer }) {
  const { t, i18n } = useTranslation("purchases");
  const purchases = usePurchases(customer.id);
  const [openOrder, setOpenOrder] = useState<number | null>(null);
  const items = purchases.data?.pages.flatMap((page) => page.items) ?? [];

  if (purchases.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("common:loading")} />
      </Center>
    );
  }
  if (purchases.isError) {
    return <Alert color="red">{describeProblem(problemOf(purchases.error), t)}</Alert>;
  }
  if (items.length === 0) {
    return (
      <Text c="gray.7" data-testid="purchases-empty">
        {t("empty")}
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Table striped highlightOnHover withTableBorder fz="sm" data-testid="purchases-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("columns.number")}</Table.Th>
            <Table.Th>{t("columns.date")}</Table.Th>
            <Table.Th ta="right">{t("columns.total")}</Table.Th>
            <Table.Th ta="right">{t("columns.amount")}</Table.Th>
            <Table.Th ta="right">{t("columns.unpaid")}</Table.Th>
            <Table.Th>{t("columns.status")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((p) => (
            <Table.Tr
              key={p.order_id}
              data-testid="purchase-row"
              style={{ cursor: "pointer" }}
              onClick={() => setOpenOrder(p.order_id)}
            >
              <Table.Td>
                <Anchor
                  component="button"
                  type="button"
                  fz="sm"
                  fw={600}
                  onClick={(e) => {
                    e.stopPropagation();
                    setOpenOrder(p.order_id);
                  }}
                  aria-label={t("openOrder", { number: p.number })}
                >
                  {p.number}
                </Anchor>
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {formatDate(p.date, i18n.language)}
              </Table.Td>
              <Table.Td ta="right">
                <MoneyText value={p.total} />
              </Table.Td>
              <Table.Td ta="right">
                <MoneyText value={p.delivered_amount} fw={600} />
              </Table.Td>
              <Table.Td ta="right">
                <MoneyText value={p.unpaid_amount} />
              </Table.Td>
              <Table.Td>
                <Badge
                  color={paymentStatusLook(p.payment_status).color}
                  c={paymentStatusLook(p.payment_status).text}
                  variant="light"
                  data-status={p.payment_status}
                >
                  {t(`paymentStatus.${p.payment_status}`)}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {purchases.hasNextPage && (
        <Center>
          <Button
            variant="light"
            size="xs"
            onClick={() => void purchases.fetchNextPage()}
            loading={purchases.isFetchingNextPage}
          >
            {t("loadMore")}
          </Button>
        </Center>
      )}
      <OrderModal customerId={customer.id} orderId={openOrder} onClose={() => setOpenOrder(null)} />
    </Stack>
  );
}
