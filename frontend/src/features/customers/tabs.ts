/** The detail panel's tabs, in order; each is a URL: /customers/:customerId/:tab. */
export const CUSTOMER_TABS = [
  "details",
  "payments",
  "balance",
  "purchases",
  "report",
  "merge",
] as const;
export type CustomerTab = (typeof CUSTOMER_TABS)[number];

/** Tabs shown only to holders of a permission (`owner` implies all). */
export const TAB_PERMISSION: Partial<Record<CustomerTab, string>> = { merge: "owner" };

export function isCustomerTab(value: string | undefined): value is CustomerTab {
  return CUSTOMER_TABS.includes(value as CustomerTab);
}
