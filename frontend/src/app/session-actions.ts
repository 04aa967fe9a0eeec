import { setToken } from "../lib/session";
import { queryClient } from "./queryClient";

/** Logout: the token goes and so does every cached answer (the next user sees none of them). */
export function logout(): void {
  setToken(null);
  queryClient.clear();
}
