import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, loginAt, shot, test, tokenFor } from "./fixtures";

/** The credit report's Report tab against the seeded demo business. */

interface Report {
  orders: { count: number; total_delivered: string };
  observations: { code: string; severity: string }[];
  warning: boolean;
  warning_reasons: string[];
}
interface Customer {
  id: number;
  number: number;
  name: string;
  blocked: boolean;
}

async function get<T>(request: APIRequestContext, token: string, url: string): Promise<T> {
  const response = await request.get(url, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok(), `${url}: ${response.status()}`).toBe(true);
  return (await response.json()) as T;
}

/** The first customer (biggest buyers first) whose report has `code`, with its report. */
async function customerWith(
  request: APIRequestContext,
  code: string,
  query = "sort=-total_purchases",
): Promise<{ customer: Customer; report: Report }> {
  const token = await tokenFor(request);
  let cursor: string | null = null;
  for (let page = 0; page < 10; page += 1) {
    const url: string = `/api/v1/customers?${query}&limit=100${cursor ? `&cursor=${cursor}` : ""}`;
    const list = await get<{ items: Customer[]; next_cursor: string | null }>(request, token, url);
    for (const customer of list.items) {
      const report = await get<Report>(request, token, `/api/v1/customers/${customer.id}/report`);
      if (report.observations.some((o) => o.code === code)) return { customer, report };
    }
    cursor = list.next_cursor;
    if (!cursor) break;
  }
  throw new Error(`no demo customer with ${code}`);
}

/** Axe on the Report tab (the list panel and the header belong to other screens' tests). */
/** The whole tab: the panel scrolls inside the page, so the viewport is made tall enough. */
async function tallShot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 1900 });
  await page.waitForTimeout(400); // the charts redraw at the new size
  await shot(page, name);
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function seriousViolations(page: Page): Promise<string[]> {
  return (await new AxeBuilder({ page }).include('[role="tabpanel"]').analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("a deteriorating customer's report: the observation in colour and the history chart", async ({
  page,
  request,
}) => {
  const { customer, report } = await customerWith(request, "DETERIORATING");
  await loginAt(page, `/customers/${customer.id}/report`);

  const tab = page.getByTestId("credit-report");
  await expect(tab).toBeVisible();
  await expect(page.getByRole("tab", { name: "Relatório" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  // The figures are the server's.
  await expect(page.getByTestId("report-orders")).toContainText(
    `Número de pedidos${report.orders.count}`,
  );

  const deteriorating = page.locator('[data-code="DETERIORATING"]');
  await expect(deteriorating).toContainText("Piorando");
  await expect(deteriorating).toHaveAttribute("data-severity", "warning");
  await expect(deteriorating.getByText("Atenção")).toBeVisible();
  // Every observation of the report is listed, most severe first, each in its colour.
  const listed = page.getByTestId("report-observations").locator("li");
  await expect(listed).toHaveCount(report.observations.length);
  expect(await listed.evaluateAll((items) => items.map((li) => li.dataset.code))).toEqual(
    report.observations.map((o) => o.code),
  );
  const warningBorder = await deteriorating.evaluate((li) => getComputedStyle(li).borderLeftColor);
  expect(warningBorder).toBe("rgb(253, 126, 20)"); // Mantine orange.6

  // The chart: delivered vs received per month, and days to pay per delivery with thresholds.
  const monthly = page.getByTestId("chart-monthly");
  await expect(monthly.locator("svg.recharts-surface").first()).toBeVisible();
  expect(await monthly.locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);
  await expect(monthly).toContainText("Entregue");
  await expect(monthly).toContainText("Recebido");
  const days = page.getByTestId("chart-days");
  await expect(days.locator("svg.recharts-surface").first()).toBeVisible();
  await expect(days).toContainText("prazo: 35 dias");
  await expect(days).toContainText("forte: 120 dias");
  expect(await days.locator(".recharts-bar-rectangle").count()).toBeGreaterThanOrEqual(3);

  expect(await seriousViolations(page)).toEqual([]);
  await tallShot(page, "report-deteriorating");

  // The same report in English.
  await page.evaluate(() => localStorage.setItem("custledger.language", "en"));
  await page.reload();
  await expect(deteriorating).toContainText("Deteriorating");
  await expect(page.getByTestId("chart-monthly")).toContainText("Delivered");
  await tallShot(page, "report-deteriorating-en");
  await page.evaluate(() => localStorage.removeItem("custledger.language"));
});

test("a blocked customer's report opens with the red warning", async ({ page, request }) => {
  const { customer, report } = await customerWith(request, "BLOCKED", "blocked=true");
  expect(report.warning).toBe(true);
  await loginAt(page, `/customers/${customer.id}/report`);
  const warning = page.getByTestId("report-warning");
  await expect(warning).toContainText("Atenção: crédito em risco");
  await expect(warning).toContainText("bloqueado para vendas a prazo");
  const background = await warning.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).toMatch(/^rgb\((2[0-5]\d|1\d\d), \d{1,2}, \d{1,2}\)$/); // a red
  await expect(page.locator('[data-code="BLOCKED"]')).toHaveAttribute("data-severity", "critical");
  expect(await seriousViolations(page)).toEqual([]);
  await tallShot(page, "report-blocked");
});

test("a customer with little history gets the limited report", async ({ page, request }) => {
  const token = await tokenFor(request);
  const created = await request.post("/api/v1/customers", {
    headers: { Authorization: `Bearer ${token}` },
    data: { name: `Cliente Novo ${Date.now() % 1_000_000}` },
  });
  expect(created.status()).toBe(201);
  const customer = (await created.json()) as Customer;

  await loginAt(page, `/customers/${customer.id}/report`);
  await expect(page.getByTestId("report-limited")).toContainText("Relatório limitado");
  await expect(page.getByTestId("report-limited")).toContainText("Nenhum pedido até agora");
  await expect(page.locator('[data-code="LIMITED_HISTORY"]')).toHaveAttribute(
    "data-severity",
    "info",
  );
  await expect(page.getByTestId("report-warning")).toHaveCount(0);
  await expect(page.getByTestId("report-chart-empty")).toBeVisible();
  await expect(page.getByTestId("report-orders")).toContainText("Primeiro pedido—");
  await shot(page, "report-limited");
});

test("the long-history customer's chart reads a bounded number of statement pages", async ({
  page,
  request,
}) => {
  const token = await tokenFor(request);
  const biggest = await get<{ items: Customer[] }>(
    request,
    token,
    "/api/v1/customers?sort=-total_purchases&limit=1",
  );
  const customer = biggest.items[0]!;
  const statementCalls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes(`/customers/${customer.id}/statement`)) statementCalls.push(r.url());
  });
  await loginAt(page, `/customers/${customer.id}/report`);
  const started = Date.now();
  await expect(page.getByTestId("chart-days").locator("svg.recharts-surface")).toBeVisible({
    timeout: 15_000,
  });
  const seconds = (Date.now() - started) / 1000;
  expect(statementCalls.length).toBeGreaterThan(1);
  expect(statementCalls.length).toBeLessThanOrEqual(20);
  expect(statementCalls.every((u) => u.includes("financial_only=true"))).toBe(true);
  await expect(page.getByTestId("report-chart")).toContainText(
    "Dias para pagar cada uma das últimas 30 entregas",
  );
  console.log(`long history: ${statementCalls.length} statement pages, chart in ${seconds}s`);
  await tallShot(page, "report-long-history");
});
