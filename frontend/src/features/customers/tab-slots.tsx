import { createContext, type ComponentType } from "react";
import type { Customer } from "./api";
import type { CustomerTab } from "./tabs";

/** What a tab's content receives: the customer as the header shows it. */
export interface CustomerTabProps {
  customer: Customer;
}

/**
 * The contents of the tabs other than Details come from other features (payments, statement,
 * purchases, reports, merge). A feature never imports another one, so app/ composes them: it
 * provides this map (app/customer-tabs.tsx) and the panel renders what it finds for a tab.
 */
export type CustomerTabSlots = Partial<Record<CustomerTab, ComponentType<CustomerTabProps>>>;

export const CustomerTabSlotsContext = createContext<CustomerTabSlots>({});
