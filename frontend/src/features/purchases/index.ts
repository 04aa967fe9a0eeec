// The purchases feature's public surface: app/ imports only from here.
export { PurchasesTab } from "./PurchasesTab";
