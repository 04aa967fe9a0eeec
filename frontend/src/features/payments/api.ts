import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { components } from "../../api/schema";
import { api, unwrap } from "../../lib/api";
import { ledgerKeys } from "../../lib/ledger-keys";

export type Payment = components["schemas"]["PaymentOut"];
export type PaymentMethod = Payment["method"];
export type PaymentCreateBody = components["schemas"]["PaymentCreate"];
export type PaymentPatchBody = components["schemas"]["PaymentPatch"];
export type ChequeBatchBody = components["schemas"]["ChequeBatch"];
export type ChequeIssuer = components["schemas"]["ChequeIssuerOut"];
export type Order = components["schemas"]["OrderOut"];
export type PaymentStatusFilter = "all" | "received" | "pending";

export const PAYMENT_METHODS: readonly PaymentMethod[] = [
  "CASH",
  "PIX",
  "CARD",
  "CHEQUE",
  "BOLETO",
  "TRANSFER",
];
export const PAGE_SIZE = 20;

/** Every key starts with the customer's ledger key, so one invalidation refreshes them all. */
export const paymentKeys = {
  all: (customerId: number) => [...ledgerKeys.customer(customerId), "payments"] as const,
  list: (customerId: number, status: PaymentStatusFilter) =>
    [...paymentKeys.all(customerId), "list", status] as const,
  openOrders: (customerId: number) => [...ledgerKeys.customer(customerId), "open-orders"] as const,
};

export function usePayments(customerId: number, status: PaymentStatusFilter) {
  return useInfiniteQuery({
    queryKey: paymentKeys.list(customerId, status),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/customers/{customer_id}/payments", {
          params: {
            path: { customer_id: customerId },
            query: { status, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? null,
  });
}

/** The customer's open orders, the ones a payment is normally taken against. */
export function useOpenOrders(customerId: number, enabled: boolean) {
  return useQuery({
    queryKey: paymentKeys.openOrders(customerId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/orders", {
          params: { query: { customer_id: customerId, status: "open", limit: 200 } },
        }),
      ).items,
    enabled,
    staleTime: 60_000,
  });
}

export async function createPayment(
  customerId: number,
  body: PaymentCreateBody,
  idempotencyKey: string,
): Promise<Payment> {
  return unwrap(
    await api.POST("/api/v1/customers/{customer_id}/payments", {
      params: { path: { customer_id: customerId }, header: { "Idempotency-Key": idempotencyKey } },
      body,
    }),
  );
}

export async function createChequeBatch(
  customerId: number,
  body: ChequeBatchBody,
  idempotencyKey: string,
): Promise<Payment[]> {
  return unwrap(
    await api.POST("/api/v1/customers/{customer_id}/payments/cheque-batch", {
      params: { path: { customer_id: customerId }, header: { "Idempotency-Key": idempotencyKey } },
      body,
    }),
  ).items;
}

export async function patchPayment(
  payment: Pick<Payment, "id" | "version">,
  body: PaymentPatchBody,
): Promise<Payment> {
  return unwrap(
    await api.PATCH("/api/v1/payments/{payment_id}", {
      params: { path: { payment_id: payment.id }, header: { "If-Match": `"${payment.version}"` } },
      body,
    }),
  );
}

export async function deletePayment(payment: Pick<Payment, "id" | "version">): Promise<void> {
  unwrap(
    await api.DELETE("/api/v1/payments/{payment_id}", {
      params: { path: { payment_id: payment.id }, header: { "If-Match": `"${payment.version}"` } },
    }),
  );
}

/** The issuer of the latest cheque with this CPF/CNPJ (digits), or null when there is none. */
export async function fetchIssuer(taxIdDigits: string): Promise<ChequeIssuer | null> {
  const result = await api.GET("/api/v1/cheque-issuers/{tax_id}", {
    params: { path: { tax_id: taxIdDigits } },
  });
  if (result.response.status === 404) return null;
  return unwrap(result);
}
