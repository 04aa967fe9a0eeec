import { expect, test as base, type Page } from "@playwright/test";

export const OWNER = { username: "owner", password: "owner-demo-password" };
export const CLERK = { username: "clerk-main", password: "clerk-main-demo" };

/**
 * Deep links and reloads need the server's SPA fallback (any unknown GET path outside /api
 * answers index.html). Where the server answers 404 for an app path, this stands in for that
 * fallback in the browser; once the server has it, every document is passed through untouched.
 */
export const test = base.extend({
  page: async ({ page, baseURL }, use) => {
    await page.route("**/*", async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      if (request.resourceType() !== "document" || url.pathname.startsWith("/api")) {
        return route.fallback();
      }
      const response = await route.fetch();
      if (response.status() !== 404) return route.fulfill({ response });
      return route.fulfill({ response: await route.fetch({ url: `${baseURL}/` }) });
    });
    await use(page);
  },
});

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
