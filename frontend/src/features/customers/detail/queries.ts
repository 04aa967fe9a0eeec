import { useQuery } from "@tanstack/react-query";
import type { components } from "../../../api/schema";
import { api, unwrap } from "../../../lib/api";
import { customerKeys, type Customer } from "../api";

/** A customer as read, with the ETag a write must send back as If-Match. */
export interface CustomerRecord {
  customer: Customer;
  etag: string;
}

export type CustomerCreateBody = components["schemas"]["CustomerCreate"];
export type CustomerPatchBody = components["schemas"]["CustomerPatch"];
export type Duplicate = components["schemas"]["DuplicateOut"];
export type AuditEntry = components["schemas"]["AuditEntryOut"];
export type Store = components["schemas"]["StoreOut"];

function etagOf(response: Response, customer: Customer): string {
  return response.headers.get("ETag") ?? `"${customer.version}"`;
}

export async function fetchCustomer(id: number): Promise<CustomerRecord> {
  const result = await api.GET("/api/v1/customers/{customer_id}", {
    params: { path: { customer_id: id } },
  });
  const customer = unwrap(result);
  return { customer, etag: etagOf(result.response, customer) };
}

export function useCustomer(id: number | null) {
  return useQuery({
    queryKey: customerKeys.detail(id ?? 0),
    queryFn: () => fetchCustomer(id!),
    enabled: id !== null,
  });
}

export async function patchCustomer(
  id: number,
  etag: string,
  body: CustomerPatchBody,
): Promise<CustomerRecord> {
  const result = await api.PATCH("/api/v1/customers/{customer_id}", {
    params: { path: { customer_id: id }, header: { "If-Match": etag } },
    body,
  });
  const customer = unwrap(result);
  return { customer, etag: etagOf(result.response, customer) };
}

export async function createCustomer(body: CustomerCreateBody): Promise<Customer> {
  return unwrap(await api.POST("/api/v1/customers", { body }));
}

export async function deleteCustomer(id: number, etag: string): Promise<void> {
  unwrap(
    await api.DELETE("/api/v1/customers/{customer_id}", {
      params: { path: { customer_id: id }, header: { "If-Match": etag } },
    }),
  );
}

export async function fetchDuplicates(query: {
  name?: string;
  tax_id?: string;
  phone?: string;
  email?: string;
}): Promise<Duplicate[]> {
  return unwrap(await api.GET("/api/v1/customers/duplicates", { params: { query } })).items;
}

export function useAudit(id: number, enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.audit(id),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/customers/{customer_id}/audit", {
          params: { path: { customer_id: id }, query: { limit: 50 } },
        }),
      ).items,
    enabled,
  });
}

/**
 * Whether the customer has any payment or order (quotes, pending payments and cancelled orders
 * included): exactly what makes the API refuse a delete with 409 `customer-has-history`.
 */
export function useHasHistory(id: number, enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.history(id),
    queryFn: async ({ signal }) => {
      const [payments, orders] = await Promise.all([
        api.GET("/api/v1/customers/{customer_id}/payments", {
          params: { path: { customer_id: id }, query: { status: "all", limit: 1 } },
          signal,
        }),
        api.GET("/api/v1/orders", { params: { query: { customer_id: id, limit: 1 } }, signal }),
      ]);
      return unwrap(payments).items.length > 0 || unwrap(orders).items.length > 0;
    },
    enabled,
  });
}

export function useStores() {
  return useQuery({
    queryKey: ["stores"],
    queryFn: async () => unwrap(await api.GET("/api/v1/stores")),
    staleTime: 10 * 60_000,
  });
}
