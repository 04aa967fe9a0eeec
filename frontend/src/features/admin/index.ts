// The administration feature's public surface: app/ imports only from here.
export { ApiClientsPage } from "./ApiClientsPage";
export { StoresPage } from "./StoresPage";
export { UsersPage } from "./UsersPage";
