import { expect, test as base, type Page } from "@playwright/test";

export const OWNER = { username: "owner", password: "owner-demo-password" };
export const CLERK = { username: "clerk-main", password: "clerk-main-demo" };

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
