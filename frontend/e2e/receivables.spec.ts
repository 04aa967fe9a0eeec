import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import type { APIRequestContext, Page } from "@playwright/test";
import { CLERK, expect, loginAt, OWNER, shot as fullShot, test, tokenFor } from "./fixtures";

/**
 * The Receivables screen against the real server and the demo business: the ageing's totals
 * and rows are the API's, rows open the customer's balance tab, the CSV is the API's, the
 * overdue list keeps the API's order, and a clerk is refused the ageing in words.
 */

const BUCKETS = ["current", "days_1_30", "days_31_60", "days_61_90", "over_90", "total"] as const;
type Buckets = Record<(typeof BUCKETS)[number], string>;
interface AgeingReport {
  as_of: string;
  items: (Buckets & { customer_id: number; name: string })[];
  totals: Buckets;
  next_cursor: string | null;
}
interface OverduePage {
  items: { payment_id: number; customer_id: number; due_date: string }[];
  next_cursor: string | null;
}

async function apiGet<T>(request: APIRequestContext, url: string, who = OWNER): Promise<T> {
  const token = await tokenFor(request, who);
  const response = await request.get(url, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok(), `${url}: ${response.status()}`).toBeTruthy();
  return (await response.json()) as T;
}

/** "R$ 1.234,56" / "-R$ 1.234,56" (pt-BR, any spaces) -> cents. */
function cents(text: string): number {
  const negative = /[-−]/.test(text);
  const digits = text.replace(/[^\d,]/g, "").replace(",", ".");
  return Math.round(Number(digits) * 100) * (negative ? -1 : 1);
}
const apiCents = (value: string) => Math.round(Number(value) * 100);

const ageingRows = (page: Page) =>
  page.getByRole("table", { name: /Clientes devedores/ }).locator("tbody tr[data-customer-id]");

/** The whole page, and what the first screenful shows. */
async function shot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await fullShot(page, name);
  await page.screenshot({ path: `test-results/screens/${name}-top.png` });
}

async function axe(page: Page): Promise<void> {
  const violations = (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(violations).toEqual([]);
}

test("the ageing's totals and first page are the API's, with the chart, and pass axe", async ({
  page,
  request,
}) => {
  await loginAt(page, "/receivables/ageing");
  const api = await apiGet<AgeingReport>(request, "/api/v1/reports/receivables-ageing");
  expect(api.items.length).toBeGreaterThan(0);
  for (const bucket of BUCKETS) {
    const shown = page.locator(`[data-testid=ageing-totals] [data-total=${bucket}] [data-money]`);
    await expect(shown).toBeVisible();
    expect(cents(await shown.innerText()), bucket).toBe(apiCents(api.totals[bucket]));
  }
  // The first page: the same customers in the API's order, each total the API's.
  await expect(ageingRows(page)).toHaveCount(api.items.length);
  const ids = await ageingRows(page).evaluateAll((rows) =>
    rows.map((r) => Number(r.getAttribute("data-customer-id"))),
  );
  expect(ids).toEqual(api.items.map((i) => i.customer_id));
  const firstTotal = ageingRows(page).first().locator("td").last();
  expect(cents(await firstTotal.innerText())).toBe(apiCents(api.items[0]!.total));
  // The stacked bars are drawn (one bar group per customer in the chart).
  await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await axe(page);
  await shot(page, "receivables-ageing");
});

test("a past as-of date shows the API's ageing of that day", async ({ page, request }) => {
  await loginAt(page, "/receivables/ageing");
  const past = await apiGet<AgeingReport>(
    request,
    "/api/v1/reports/receivables-ageing?as_of=2026-06-30",
  );
  const input = page.getByRole("textbox", { name: "Posição em" });
  await input.fill("30/06/2026");
  await input.press("Enter");
  await expect(page.getByText("Total a receber em 30/06/2026")).toBeVisible();
  const shown = page.locator("[data-testid=ageing-totals] [data-total=total] [data-money]");
  await expect.poll(async () => cents(await shown.innerText())).toBe(apiCents(past.totals.total));
  await expect(ageingRows(page)).toHaveCount(past.items.length);
});

test("Load more brings the API's next page after the first", async ({ page, request }) => {
  const first = await apiGet<AgeingReport>(request, "/api/v1/reports/receivables-ageing");
  test.skip(first.next_cursor === null, "the demo's debtors fit on one page");
  const second = await apiGet<AgeingReport>(
    request,
    `/api/v1/reports/receivables-ageing?cursor=${encodeURIComponent(first.next_cursor!)}`,
  );
  await loginAt(page, "/receivables/ageing");
  await expect(ageingRows(page)).toHaveCount(first.items.length);
  await page.getByRole("button", { name: "Carregar mais" }).click();
  await expect(ageingRows(page)).toHaveCount(first.items.length + second.items.length);
  const last = await ageingRows(page).last().getAttribute("data-customer-id");
  expect(Number(last)).toBe(second.items.at(-1)!.customer_id);
});

test("a row opens that customer's Balance tab", async ({ page }) => {
  await loginAt(page, "/receivables/ageing");
  const row = ageingRows(page).nth(2);
  const id = await row.getAttribute("data-customer-id");
  await row.locator("td").first().click();
  await expect(page).toHaveURL(`/customers/${id}/balance`);
});

test("the CSV export is the API's file, its TOTAL line equal to the screen's total", async ({
  page,
  request,
}) => {
  await loginAt(page, "/receivables/ageing");
  const api = await apiGet<AgeingReport>(request, "/api/v1/reports/receivables-ageing");
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Exportar CSV" }).click();
  const download = await downloading;
  const text = readFileSync((await download.path())!, "utf8");
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toContain("customer_id");
  const total = lines.at(-1)!.split(",");
  expect(total[2]).toBe("TOTAL");
  expect(apiCents(total.at(-1)!)).toBe(apiCents(api.totals.total));
  expect(lines.length - 2).toBeGreaterThanOrEqual(api.items.length);
});

test("the overdue list is the API's, oldest first, filtered by store; a row opens the balance", async ({
  page,
  request,
}) => {
  await loginAt(page, "/receivables/overdue");
  const api = await apiGet<OverduePage>(request, "/api/v1/reports/overdue");
  const table = page.getByRole("table", { name: /Recebimentos pendentes vencidos/ });
  const rows = table.locator("tbody tr[data-customer-id]");
  await expect(rows).toHaveCount(api.items.length);
  const dates = api.items.map((i) => i.due_date);
  expect([...dates].sort()).toEqual(dates);
  // One store: the API's answer for that store.
  const stores = await apiGet<{ id: number; code: string }[]>(request, "/api/v1/stores");
  const centro = stores.find((s) => s.code === "CENTRO")!;
  const forStore = await apiGet<OverduePage>(
    request,
    `/api/v1/reports/overdue?store_id=${centro.id}`,
  );
  await page.getByRole("combobox", { name: "Loja" }).click();
  await page.getByRole("option", { name: /^CENTRO/ }).click();
  await expect(rows).toHaveCount(forStore.items.length);
  await axe(page);
  await shot(page, "receivables-overdue");
  if (forStore.items.length > 0) {
    const id = await rows.first().getAttribute("data-customer-id");
    await rows.first().locator("td").first().click();
    await expect(page).toHaveURL(`/customers/${id}/balance`);
  }
});

test("a clerk sees the overdue list but gets the ageing refused in words", async ({ page }) => {
  await loginAt(page, "/receivables/overdue", CLERK);
  // /receivables sends a clerk (no sales:manage) to the overdue list; the ageing is not offered.
  await page.getByRole("link", { name: "Contas a receber" }).click();
  await expect(page).toHaveURL("/receivables/overdue");
  await expect(page.getByRole("table", { name: /Recebimentos pendentes/ })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Vencimento por idade" })).toHaveCount(0);
  await page.goto("/receivables/ageing");
  await expect(page.getByRole("alert")).toContainText(
    "falta a permissão “gerenciar crédito e vendas”",
  );
  await expect(page.locator("[data-testid=ageing-totals]")).toHaveCount(0);
  await shot(page, "receivables-ageing-clerk-403");
});

test("in English the ageing speaks English, with the same totals", async ({ page, request }) => {
  await loginAt(page, "/receivables/ageing");
  const api = await apiGet<AgeingReport>(request, "/api/v1/reports/receivables-ageing");
  await page.getByText("EN", { exact: true }).click();
  await expect(page.getByRole("heading", { name: "Receivables" })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Ageing" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Over 90 days" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Export CSV" })).toBeVisible();
  const total = page.locator("[data-testid=ageing-totals] [data-total=total] [data-money]");
  // "R$248,935.60" in en: digits only, then compare in cents.
  const digits = (await total.innerText()).replace(/[^\d]/g, "");
  expect(Number(digits)).toBe(apiCents(api.totals.total));
  await shot(page, "receivables-ageing-en");
  await page.getByText("PT", { exact: true }).click();
});
