import type { ApiClient, ApiClientCreated } from "./api";

/**
 * The secret-once state of a new API client. The server returns the secret in the create
 * answer only (it keeps a hash), so the screen holds it in this state alone, never in the query
 * cache, and forgets it for good when the dialog is closed.
 */
export interface Revealed {
  clientId: string;
  name: string;
  secret: string;
  copied: boolean;
}

export type SecretState = Revealed | null;

export type SecretAction =
  { type: "created"; client: ApiClientCreated } | { type: "copied" } | { type: "dismissed" };

export function secretReducer(state: SecretState, action: SecretAction): SecretState {
  switch (action.type) {
    case "created":
      return {
        clientId: action.client.client_id,
        name: action.client.name,
        secret: action.client.client_secret,
        copied: false,
      };
    case "copied":
      return state ? { ...state, copied: true } : state;
    case "dismissed":
      return null;
  }
}

/** The created client as the list holds it: without its secret. */
export function withoutSecret(client: ApiClientCreated): ApiClient {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { client_secret, ...rest } = client;
  return rest;
}
