import { lazy } from "react";
import {
  CustomersPage,
  CustomerTabSlotsContext,
  type CustomerTabSlots,
} from "../features/customers";

/**
 * What each customer tab shows, composed here because a feature never imports another one.
 * Each entry is a lazily loaded component of the feature that owns the tab, for example
 * `payments: lazy(() => import("../features/payments").then((m) => ({ default: m.PaymentsTab })))`;
 * every tab but Details (the customers feature's own) has one.
 */
const customerTabSlots: CustomerTabSlots = {
  payments: lazy(() => import("../features/payments").then((m) => ({ default: m.PaymentsTab }))),
  balance: lazy(() => import("../features/statement").then((m) => ({ default: m.StatementTab }))),
  purchases: lazy(() => import("../features/purchases").then((m) => ({ default: m.PurchasesTab }))),
  report: lazy(() => import("../features/reports").then((m) => ({ default: m.ReportTab }))),
  merge: lazy(() => import("../features/merge").then((m) => ({ default: m.MergeTab }))),
};

/** The Customers page with its tabs' contents (the route /customers/:customerId/:tab). */
export function CustomersRoute() {
  return (
    <CustomerTabSlotsContext.Provider value={customerTabSlots}>
      <CustomersPage />
    </CustomerTabSlotsContext.Provider>
  );
}
