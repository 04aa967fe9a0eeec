import { expect, test as base, type APIRequestContext, type Page } from "@playwright/test";

export const OWNER = { username: "owner", password: "owner-demo-password" };
export const CLERK = { username: "clerk-main", password: "clerk-main-demo" };
export const MANAGER = { username: "manager-main", password: "manager-main-demo" };
export type Who = typeof OWNER;

export const test = base;

export { expect };

export async function login(page: Page, who = OWNER): Promise<void> {
  await page.getByLabel("Usuário").fill(who.username);
  await page.locator("input[name=password]").fill(who.password);
  await page.getByRole("button", { name: "Entrar" }).click();
}

export async function loginAt(page: Page, path = "/customers", who = OWNER): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/login/);
  await login(page, who);
  await expect(page).toHaveURL(path);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

const tokens = new Map<string, string>();

/** A bearer token for API calls a test makes itself (kept per user for the run). */
export async function tokenFor(request: APIRequestContext, who: Who = OWNER): Promise<string> {
  const key = `${who.username}\n${who.password}`;
  const cached = tokens.get(key);
  if (cached) return cached;
  const response = await request.post("/api/v1/auth/token", {
    form: { grant_type: "password", username: who.username, password: who.password },
  });
  expect(response.ok()).toBe(true);
  const token = ((await response.json()) as { access_token: string }).access_token;
  tokens.set(key, token);
  return token;
}

/** An API call as `who` (a POST sends `data`, or an empty JSON object). */
export async function call(
  request: APIRequestContext,
  method: "GET" | "POST",
  url: string,
  who: Who = OWNER,
  data?: unknown,
) {
  const headers = { Authorization: `Bearer ${await tokenFor(request, who)}` };
  return method === "GET"
    ? request.get(url, { headers })
    : request.post(url, { headers, data: (data ?? {}) as object });
}
