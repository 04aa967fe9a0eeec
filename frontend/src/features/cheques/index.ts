// The cheques feature's public surface: app/ imports only from here.
export { ChequesPage } from "./components/ChequesPage";
