// The payments feature's public surface: app/ imports only from here.
export { PaymentsTab } from "./components/PaymentsTab";
