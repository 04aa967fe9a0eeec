import type { components } from "../../api/schema";
import { api, unwrap } from "../../lib/api";
import { type Store } from "../../lib/stores";

/**
 * The administration's server state (owner only, API.md "Auth"): users, API clients (the tills'
 * credentials) and stores. Lists are small and unpaged (the API returns them whole).
 */
export type User = components["schemas"]["UserOut"];
export type UserCreate = components["schemas"]["UserCreate"];
export type UserPatch = components["schemas"]["UserPatch"];
export type ApiClient = components["schemas"]["ApiClientOut"];
export type ApiClientCreated = components["schemas"]["ApiClientCreated"];
export type ApiClientCreate = components["schemas"]["ApiClientCreate"];
export type UserRole = UserCreate["role"];
export const USER_ROLES: UserRole[] = ["owner", "manager", "clerk"];

export const adminKeys = {
  users: ["admin", "users"] as const,
  apiClients: ["admin", "api-clients"] as const,
};

export async function fetchUsers(signal?: AbortSignal): Promise<User[]> {
  return unwrap(await api.GET("/api/v1/users", { signal }));
}

export async function createUser(body: UserCreate): Promise<User> {
  return unwrap(await api.POST("/api/v1/users", { body }));
}

export async function patchUser(id: number, body: UserPatch): Promise<User> {
  return unwrap(
    await api.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: id } }, body }),
  );
}

export async function fetchApiClients(signal?: AbortSignal): Promise<ApiClient[]> {
  return unwrap(await api.GET("/api/v1/api-clients", { signal }));
}

export async function createApiClient(body: ApiClientCreate): Promise<ApiClientCreated> {
  return unwrap(await api.POST("/api/v1/api-clients", { body }));
}

export async function revokeApiClient(id: number): Promise<ApiClient> {
  return unwrap(
    await api.PATCH("/api/v1/api-clients/{client_pk}", {
      params: { path: { client_pk: id } },
      body: { active: false, rotate_secret: false },
    }),
  );
}

export async function createStore(code: string, name: string): Promise<Store> {
  return unwrap(await api.POST("/api/v1/stores", { body: { code, name } }));
}

export async function renameStore(id: number, name: string): Promise<Store> {
  return unwrap(
    await api.PATCH("/api/v1/stores/{store_id}", {
      params: { path: { store_id: id } },
      body: { name },
    }),
  );
}
