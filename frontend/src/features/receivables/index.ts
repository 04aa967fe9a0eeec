// The receivables feature's public surface: app/ imports only from here.
export { ReceivablesPage } from "./ReceivablesPage";
