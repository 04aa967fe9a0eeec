import AxeBuilder from "@axe-core/playwright";
import { CLERK, expect, loginAt, shot, test } from "./fixtures";

test("Ctrl+Shift+C opens Customers and focuses the search", async ({ page }) => {
  await loginAt(page, "/somewhere-else");
  await expect(page.getByText("Página não encontrada.")).toBeVisible();
  await page.keyboard.press("Control+Shift+C");
  await expect(page).toHaveURL("/customers");
  // The list panel's search input (data-customer-search) is focused as soon as it appears.
  await expect(page.locator("[data-customer-search]")).toBeFocused();
});

test("the menu leads to Customers and the tabs are URLs", async ({ page }) => {
  await loginAt(page, "/customers/7/details");
  const nav = page.getByRole("navigation");
  await expect(nav.getByText("Pessoas")).toBeVisible();
  await expect(nav.getByRole("link", { name: /Clientes/ })).toHaveAttribute("href", "/customers");
  await shot(page, "customer-details");
  await page.getByRole("tab", { name: "Saldo" }).click();
  await expect(page).toHaveURL("/customers/7/balance");
  await expect(page.getByTestId("statement-summary")).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL("/customers/7/details");
  await expect(page.getByRole("tab", { name: "Unificar" })).toBeVisible();
});

test("Merge is an owner's tab only", async ({ page }) => {
  await loginAt(page, "/customers/7/details", CLERK);
  await expect(page.getByRole("tab", { name: "Dados" })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Unificar" })).toHaveCount(0);
  await page.goto("/customers/7/merge");
  await expect(page.getByRole("tab", { name: "Dados" })).toHaveAttribute("aria-selected", "true");
});

test("the divider moves with the keyboard and its width is remembered", async ({ page }) => {
  await loginAt(page, "/customers");
  const divider = page.getByRole("separator", { name: "Redimensionar a lista de clientes" });
  const before = Number(await divider.getAttribute("aria-valuenow"));
  await divider.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  await expect
    .poll(async () => Number(await divider.getAttribute("aria-valuenow")))
    .toBeGreaterThan(before);
  const after = Number(await divider.getAttribute("aria-valuenow"));
  await page.reload();
  await expect(divider).toHaveAttribute("aria-valuenow", String(after));
});

test("the language choice is remembered across a reload", async ({ page }) => {
  await loginAt(page, "/customers");
  await expect(page.getByRole("button", { name: "Sair" })).toBeVisible();
  await page.getByText("EN", { exact: true }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
  await expect(page.getByRole("navigation").getByText("Persons")).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.reload();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toContainText("Owner");
  await shot(page, "customers-shell-en");
  await page.getByText("PT", { exact: true }).click();
  await expect(page.getByRole("button", { name: "Sair" })).toBeVisible();
});

test("the offline banner follows the network and the API", async ({ page, context }) => {
  await loginAt(page, "/customers/2/details");
  const banner = page.getByTestId("offline-banner");
  await expect(banner).toHaveCount(0);

  // The browser's own offline event shows it, with no request needed.
  await context.setOffline(true);
  await expect(banner).toBeVisible();
  await shot(page, "offline-banner");
  await context.setOffline(false);
  await expect(banner).toHaveCount(0);

  // The browser is online but the API does not answer: a failed fetch shows the banner,
  // the next answered request clears it.
  await page.route("**/api/v1/auth/me", (route) => route.abort("connectionrefused"));
  await page.reload();
  await expect(banner).toBeVisible();
  await page.unroute("**/api/v1/auth/me");
  await page.reload();
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId("current-user")).toContainText("Demo Owner");
});

test("login and the shell have no serious accessibility violations", async ({ page }) => {
  const serious = async () =>
    (await new AxeBuilder({ page }).analyze()).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);

  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Entrar" })).toBeVisible();
  expect(await serious()).toEqual([]);

  await loginAt(page, "/customers/4/details");
  await expect(page.getByRole("tab", { name: "Dados" })).toBeVisible();
  expect(await serious()).toEqual([]);
});
