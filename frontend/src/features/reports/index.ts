// The reports feature's public surface: app/ imports only from here.
export { ReportTab } from "./ReportTab";
