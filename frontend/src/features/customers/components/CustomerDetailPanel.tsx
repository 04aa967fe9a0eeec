// The right panel lives in ../detail; this name stays for the page that places it.
export { CustomerDetailPanel, type CustomerDetailPanelProps } from "../detail/CustomerDetailPanel";
