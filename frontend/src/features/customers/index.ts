// The customers feature's public surface: app/ imports only from here.
export { CustomersPage } from "./CustomersPage";
export { NewCustomerPage } from "./NewCustomerPage";
export { customerKeys } from "./api";
export { CUSTOMER_TABS, type CustomerTab } from "./tabs";
export { CustomerTabSlotsContext, type CustomerTabProps, type CustomerTabSlots } from "./tab-slots";
export type { Customer } from "./api";
