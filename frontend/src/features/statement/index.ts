// The statement feature's public surface: app/ imports only from here.
export { StatementTab } from "./StatementTab";
