import type { QueryClient } from "@tanstack/react-query";

/**
 * Query keys shared by the features that show one customer's money (payments, statement,
 * purchases, report): each of their queries starts with `ledgerKeys.customer(id)`, so one
 * invalidation after a write refreshes all of them. The customers feature's own keys (list
 * rows, counts, the header) start with "customers".
 */
export const ledgerKeys = {
  customer: (customerId: number) => ["ledger", customerId] as const,
};

/**
 * After anything that moves a customer's money (a payment recorded, edited or deleted, a sale,
 * a returned cheque, a merge): the list rows and counts, the header's balance and available
 * credit, and every ledger query of that customer are refetched.
 */
export async function invalidateCustomerMoney(queryClient: QueryClient, customerId: number) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ["customers"] }),
    queryClient.invalidateQueries({ queryKey: ledgerKeys.customer(customerId) }),
  ]);
}
