import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, loginAt, OWNER, shot, test } from "./fixtures";

/**
 * The Customers list panel against the real server and the demo business (about 2,000
 * customers with Brazilian names, a few blocked and inactive ones, some owing).
 */

interface ApiCustomer {
  id: number;
  number: number | null;
  name: string;
  active: boolean;
  blocked: boolean;
  balance: string;
}

async function ownerToken(request: APIRequestContext): Promise<string> {
  const response = await request.post("/api/v1/auth/token", {
    form: { grant_type: "password", username: OWNER.username, password: OWNER.password },
  });
  expect(response.ok()).toBeTruthy();
  return ((await response.json()) as { access_token: string }).access_token;
}

async function apiGet<T>(request: APIRequestContext, token: string, url: string): Promise<T> {
  const response = await request.get(url, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok(), `${url}: ${response.status()}`).toBeTruthy();
  return (await response.json()) as T;
}

async function patchCustomer(
  request: APIRequestContext,
  token: string,
  id: number,
  data: Record<string, unknown>,
): Promise<void> {
  const response = await request.patch(`/api/v1/customers/${id}`, {
    headers: { Authorization: `Bearer ${token}` },
    data,
  });
  expect(response.ok(), `PATCH ${id}: ${response.status()} ${await response.text()}`).toBeTruthy();
}

const search = (page: Page) => page.locator("[data-customer-search]");
const listbox = (page: Page) => page.getByRole("listbox", { name: "Clientes" });
const options = (page: Page) => listbox(page).getByRole("option");

/** Types a search and waits until the list shows that search's own results. */
async function searchFor(page: Page, text: string): Promise<void> {
  await search(page).fill(text);
  await expect(listbox(page)).toHaveAttribute("data-results-for", text.trim());
}

/** "-R$ 1.234,56" (pt-BR, any minus and spaces) -> cents. */
function cents(text: string): number {
  const negative = /[-−]/.test(text);
  const digits = text.replace(/[^\d,]/g, "").replace(",", ".");
  return Math.round(Number(digits) * 100) * (negative ? -1 : 1);
}

async function balances(rows: Locator): Promise<number[]> {
  const texts = await rows.locator("[data-money]").allInnerTexts();
  return texts.map(cents);
}

test.beforeEach(async ({ page }) => {
  await loginAt(page, "/customers");
  await expect(options(page).first()).toBeVisible();
});

test("the list shows active then inactive customers with their counts", async ({ page }) => {
  const panel = page.locator("[data-section-count=active]");
  await expect(panel).toHaveText(/^\d[\d.]*$/);
  await expect(page.getByText("Ativos", { exact: true })).toBeVisible();
  const first = options(page).first();
  await expect(first).not.toHaveAttribute("data-inactive");
  // The panel fills the height below the shell header, not a 200 px strip.
  const box = (await listbox(page).boundingBox())!;
  expect(box.height).toBeGreaterThan(500);
  await shot(page, "customers-list");
});

test('"joao" finds "João", ignoring accents and case; Esc clears', async ({ page }) => {
  await searchFor(page, "joao");
  const names = await options(page).allInnerTexts();
  expect(names.length).toBeGreaterThan(0);
  expect(names.some((text) => text.includes("João"))).toBeTruthy();
  await shot(page, "customers-list-search");
  await search(page).press("Escape");
  await expect(search(page)).toHaveValue("");
  await expect(listbox(page)).toHaveAttribute("data-results-for", "");
});

test("typing a customer's number shows that customer first", async ({ page, request }) => {
  const token = await ownerToken(request);
  const page1 = await apiGet<{ items: ApiCustomer[] }>(
    request,
    token,
    "/api/v1/customers?sort=-number&status=active&limit=30",
  );
  const target = page1.items.at(-1)!;
  await searchFor(page, String(target.number));
  await expect(options(page).first()).toHaveAttribute("data-customer-id", String(target.id));
  await expect(options(page).first()).toContainText(target.name);
});

test("↓ ↓ Enter opens the second customer; the search stays", async ({ page }) => {
  await searchFor(page, "silva");
  const second = options(page).nth(1);
  const id = await second.getAttribute("data-customer-id");
  await search(page).focus();
  await page.keyboard.press("ArrowDown");
  await expect(options(page).first()).toHaveAttribute("data-highlighted", "true");
  await page.keyboard.press("ArrowDown");
  await expect(second).toHaveAttribute("data-highlighted", "true");
  await expect(search(page)).toHaveAttribute("aria-activedescendant", `customer-option-${id}`);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`/customers/${id}/details`);
  await expect(listbox(page).locator(`[data-customer-id="${id}"]`)).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await expect(search(page)).toHaveValue("silva");
  // ↑ from the list moves back; Enter keeps the tab the clerk is on.
  await page.getByRole("tab", { name: "Saldo" }).click();
  await expect(page).toHaveURL(`/customers/${id}/balance`);
  await listbox(page).focus();
  await page.keyboard.press("ArrowUp");
  const firstId = await options(page).first().getAttribute("data-customer-id");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`/customers/${firstId}/balance`);
});

test("Ctrl+Shift+C focuses the search from another page", async ({ page }) => {
  await page.goto("/somewhere-else");
  await expect(page.getByText("Página não encontrada.")).toBeVisible();
  await page.keyboard.press("Control+Shift+C");
  await expect(page).toHaveURL("/customers");
  await expect(search(page)).toBeFocused();
});

test("the divider's width is kept across a reload", async ({ page }) => {
  const divider = page.getByRole("separator", { name: "Redimensionar a lista de clientes" });
  await divider.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
  await page.waitForTimeout(300);
  const width = (await listbox(page).boundingBox())!.width;
  await page.reload();
  await expect(options(page).first()).toBeVisible();
  const after = (await listbox(page).boundingBox())!.width;
  expect(Math.abs(after - width)).toBeLessThan(2);
});

test("BLOCKED and INACTIVE badges are on the right rows", async ({ page, request }) => {
  const token = await ownerToken(request);
  const { items } = await apiGet<{ items: ApiCustomer[] }>(
    request,
    token,
    "/api/v1/customers?status=active&blocked=false&sort=number&limit=3",
  );
  const [toBlock, toDeactivate, plain] = items as [ApiCustomer, ApiCustomer, ApiCustomer];
  await patchCustomer(request, token, toBlock.id, { blocked: true });
  await patchCustomer(request, token, toDeactivate.id, { active: false });

  await searchFor(page, String(toBlock.number));
  const blocked = listbox(page).locator(`[data-customer-id="${toBlock.id}"]`);
  await expect(blocked.getByText("Bloqueado", { exact: true })).toBeVisible();
  await expect(blocked.getByText("Inativo", { exact: true })).toHaveCount(0);
  await expect(blocked).not.toHaveAttribute("data-inactive");

  await searchFor(page, String(toDeactivate.number));
  const inactive = listbox(page).locator(`[data-customer-id="${toDeactivate.id}"]`);
  await expect(inactive.getByText("Inativo", { exact: true })).toBeVisible();
  await expect(inactive.getByText("Bloqueado", { exact: true })).toHaveCount(0);
  await expect(inactive).toHaveAttribute("data-inactive", "true");
  const opacity = await inactive
    .locator("> div")
    .first()
    .evaluate((el) => getComputedStyle(el).opacity);
  expect(Number(opacity)).toBeLessThan(1);
  await shot(page, "customers-list-inactive");

  await searchFor(page, String(plain.number));
  const other = listbox(page).locator(`[data-customer-id="${plain.id}"]`);
  await expect(other).toBeVisible();
  await expect(other.getByText(/Bloqueado|Inativo/)).toHaveCount(0);
  await patchCustomer(request, token, toBlock.id, { blocked: false });
  await patchCustomer(request, token, toDeactivate.id, { active: true });
});

test("the debtors filter shows only negative balances", async ({ page, request }) => {
  const token = await ownerToken(request);
  const counts = await apiGet<{ owing: number }>(request, token, "/api/v1/customers/counts");
  expect(counts.owing).toBeGreaterThan(0);
  const chip = page.getByRole("checkbox", { name: /Devedores/ });
  await expect(chip).toHaveAccessibleName(
    `Devedores (${new Intl.NumberFormat("pt-BR").format(counts.owing)})`,
  );
  // Mantine draws the chip over a visually hidden checkbox: click what the clerk sees.
  await page.getByText(/^Devedores \(/).click();
  await expect(chip).toBeChecked();
  await expect(listbox(page)).toHaveAttribute("data-results-for", "");
  await expect(async () => {
    const values = await balances(options(page));
    expect(values.length).toBeGreaterThan(5);
    for (const v of values) expect(v).toBeLessThan(0);
  }).toPass();
  await shot(page, "customers-list-debtors");
});

test("sorting by balance puts the largest debts first", async ({ page }) => {
  await page.getByRole("combobox", { name: "Ordenar por" }).selectOption("balance");
  await expect(async () => {
    const values = await balances(options(page));
    expect(values.length).toBeGreaterThan(5);
    expect(values[0]).toBeLessThan(0);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  }).toPass();
  await page.getByRole("combobox", { name: "Ordenar por" }).selectOption("-balance");
  await expect(async () => {
    const values = await balances(options(page));
    expect(values[0]).toBeGreaterThan(0);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  }).toPass();
});

test("scrolling far down loads more pages", async ({ page }) => {
  const cursors: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/api/v1/customers" && url.searchParams.get("cursor")) {
      cursors.push(url.searchParams.get("cursor")!);
    }
  });
  for (let i = 0; i < 40 && cursors.length < 4; i++) {
    await listbox(page).evaluate((el) => el.scrollBy(0, el.scrollHeight));
    await page.waitForTimeout(150);
  }
  expect(cursors.length).toBeGreaterThanOrEqual(4);
  // Far down the list: a row beyond the fourth page is drawn, and only a screenful is in the DOM.
  await expect
    .poll(async () => Number(await options(page).last().getAttribute("aria-posinset")))
    .toBeGreaterThan(400);
  expect(await options(page).count()).toBeLessThan(80);
});

test("a search without matches shows the empty state", async ({ page }) => {
  await search(page).fill("zzzqqxnenhum");
  await expect(page.getByText("Nenhum cliente encontrado")).toBeVisible();
  await shot(page, "customers-list-empty");
});

test("a failed load shows the problem and retries", async ({ page }) => {
  let fail = true;
  await page.route("**/api/v1/customers?*", async (route) => {
    if (!fail) return route.continue();
    await route.fulfill({
      status: 500,
      contentType: "application/problem+json",
      body: JSON.stringify({ type: "about:blank", title: "Erro", status: 500, detail: "Falhou." }),
    });
  });
  await searchFor(page, "maria").catch(() => undefined);
  await expect(page.getByRole("alert")).toContainText("Não foi possível carregar");
  fail = false;
  await page.getByRole("button", { name: "Tentar de novo" }).click();
  await expect(listbox(page)).toHaveAttribute("data-results-for", "maria");
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("+ opens the new-customer form's URL", async ({ page }) => {
  // The new-customer form belongs to the detail panel; the list only navigates to its URL.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { pushed: string[] }).pushed = seen;
    const push = history.pushState.bind(history);
    history.pushState = (state, unused, url) => {
      seen.push(String(url));
      push(state, unused, url);
    };
  });
  await page.getByRole("button", { name: "Novo cliente" }).click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { pushed: string[] }).pushed))
    .toContain("/customers/new");
});

test("no serious or critical accessibility violations", async ({ page }) => {
  await searchFor(page, "silva");
  await search(page).press("ArrowDown");
  const violations = (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(violations).toEqual([]);
});

test("opening a customer keeps the list's scroll position", async ({ page }) => {
  await listbox(page).evaluate((el) => (el.scrollTop = 3000));
  await page.waitForTimeout(300);
  const before = await listbox(page).evaluate((el) => el.scrollTop);
  expect(before).toBeGreaterThan(2500);
  // Click the row in the middle of the visible list, as a clerk would (no scrolling to it).
  const box = (await listbox(page).boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page).toHaveURL(/\/customers\/\d+\/details$/);
  const id = /\/customers\/(\d+)\//.exec(page.url())![1];
  await expect(listbox(page).locator(`[data-customer-id="${id}"]`)).toHaveAttribute(
    "aria-selected",
    "true",
  );
  expect(Math.abs((await listbox(page).evaluate((el) => el.scrollTop)) - before)).toBeLessThan(60);
  await page.goBack();
  await expect(page).toHaveURL("/customers");
  await expect(listbox(page).locator(`[data-customer-id="${id}"]`)).toBeVisible();
});
