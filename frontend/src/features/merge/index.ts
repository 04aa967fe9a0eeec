// The merge feature's public surface: app/ imports only from here.
export { MergeTab } from "./MergeTab";
