import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, loginAt, OWNER, shot, test } from "./fixtures";

interface Entry {
  date: string;
  type: string;
  reference: number;
  description: string;
  debit: string | null;
  credit: string | null;
  balance: string | null;
}

interface StatementPage {
  entries: Entry[];
  period: { from: string | null; to: string | null };
  total_received: string;
  total_delivered: string;
  next_cursor: string | null;
}

async function bearer(request: APIRequestContext): Promise<Record<string, string>> {
  const response = await request.post("/api/v1/auth/token", {
    form: { grant_type: "password", username: OWNER.username, password: OWNER.password },
  });
  expect(response.ok()).toBe(true);
  const { access_token } = (await response.json()) as { access_token: string };
  return { Authorization: `Bearer ${access_token}` };
}

async function apiGet<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(path, { headers: await bearer(request) });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

async function apiPost<T>(request: APIRequestContext, path: string, data: object): Promise<T> {
  const response = await request.post(path, { headers: await bearer(request), data });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(201);
  return (await response.json()) as T;
}

/** The statement's pages through the API, newest first, as the tab asks for them. */
async function apiPages(
  request: APIRequestContext,
  customerId: number,
  count: number,
  financialOnly = false,
): Promise<StatementPage[]> {
  const pages: StatementPage[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "50" });
    if (financialOnly) query.set("financial_only", "true");
    if (cursor) query.set("cursor", cursor);
    const page: StatementPage = await apiGet(
      request,
      `/api/v1/customers/${customerId}/statement?${query}`,
    );
    pages.push(page);
    cursor = page.next_cursor;
  } while (cursor && pages.length < count);
  return pages;
}

/** What the grid should hold for these pages: oldest at the top. */
function expectedRows(pages: StatementPage[]) {
  return pages
    .flatMap((p) => p.entries)
    .reverse()
    .map((e) => ({
      date: e.date,
      type: e.type,
      reference: String(e.reference),
      debit: e.debit ?? "",
      credit: e.credit ?? "",
      balance: e.balance ?? "",
    }));
}

async function gridRows(page: Page) {
  return page.getByTestId("statement-row").evaluateAll((rows) =>
    rows.map((r) => {
      const d = (r as HTMLElement).dataset;
      return {
        date: d.date,
        type: d.type,
        reference: d.reference,
        debit: d.debit,
        credit: d.credit,
        balance: d.balance,
      };
    }),
  );
}

const money = (value: string) =>
  new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL" }).format(Number(value));
/** An amount as the grid shows it: the number, the currency named in the column title. */
const amount = (value: string) =>
  new Intl.NumberFormat("pt-BR", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
    Number(value),
  );
const day = (value: string) => value.split("-").reverse().join("/");

async function seriousViolations(page: Page): Promise<string[]> {
  return (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The demo's long-history company (about 4,000 statement rows): the largest total purchases. */
async function longHistoryCustomer(request: APIRequestContext) {
  const page = await apiGet<{ items: { id: number; number: number; balance: string }[] }>(
    request,
    "/api/v1/customers?sort=-total_purchases&limit=1",
  );
  return page.items[0]!;
}

/** A position of a row inside the scrolling grid, in pixels from the grid's top edge. */
async function offsetInGrid(scroller: Locator, row: Locator): Promise<number> {
  const [box, rowBox] = await Promise.all([scroller.boundingBox(), row.boundingBox()]);
  return rowBox!.y - box!.y;
}

test("Load earlier period prepends the API's pages row for row and keeps the rows in view", async ({
  page,
  request,
}) => {
  const customer = await longHistoryCustomer(request);
  const api = await apiPages(request, customer.id, 3);
  expect(api).toHaveLength(3);
  expect(api[2]!.entries).toHaveLength(50);

  await loginAt(page, `/customers/${customer.id}/balance`);
  const rows = page.getByTestId("statement-row");
  await expect(rows).toHaveCount(50);
  expect(await gridRows(page)).toEqual(expectedRows(api.slice(0, 1)));
  // The newest row is the last one and in view; its balance is the customer's balance.
  const newest = rows.last();
  await expect(newest).toBeInViewport();
  expect(api[0]!.entries[0]!.balance).toBe(customer.balance);
  await expect(newest.locator("td").last()).toHaveText(amount(customer.balance));
  await expect(page.getByTestId("statement-period")).toHaveText(
    `${day(api[0]!.period.from!)} a ${day(api[0]!.period.to!)}`,
  );
  await expect(page.getByTestId("statement-received")).toHaveText(money(api[0]!.total_received));
  await expect(page.getByTestId("statement-delivered")).toHaveText(money(api[0]!.total_delivered));
  await shot(page, "balance-tab");
  expect(await seriousViolations(page)).toEqual([]);

  // At the top of the grid, where the button is: the first row's place on screen.
  const scroller = page.getByTestId("statement-scroller");
  await scroller.evaluate((el) => (el.scrollTop = 0));
  const firstKey = await rows.first().getAttribute("data-key");
  const anchor = page.locator(`[data-key="${firstKey}"]`);
  const before = await offsetInGrid(scroller, anchor);

  await page.getByRole("button", { name: "Carregar período anterior" }).click();
  await expect(rows).toHaveCount(100);
  expect(await gridRows(page)).toEqual(expectedRows(api.slice(0, 2)));
  expect(Math.abs((await offsetInGrid(scroller, anchor)) - before)).toBeLessThanOrEqual(1);
  expect(await scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(1000);
  // The summary now covers both pages: the server's totals from the older page's first row.
  await expect(page.getByTestId("statement-period")).toHaveText(
    `${day(api[1]!.period.from!)} a ${day(api[0]!.period.to!)}`,
  );
  await expect(page.getByTestId("statement-received")).toHaveText(money(api[1]!.total_received));
  await expect(page.getByTestId("statement-delivered")).toHaveText(money(api[1]!.total_delivered));

  // A third page, asked for from the middle of the grid this time.
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await page.getByRole("button", { name: "Carregar período anterior" }).click();
  await expect(rows).toHaveCount(150);
  expect(await gridRows(page)).toEqual(expectedRows(api));
  await expect(page.getByTestId("statement-row-count")).toHaveText("150");
});

test("running balances on financial rows only, green above zero and red below; the filter", async ({
  page,
  request,
}) => {
  const suffix = Date.now() % 1_000_000;
  const customer = await apiPost<{ id: number }>(request, "/api/v1/customers", {
    name: `Extrato Teste ${suffix}`,
  });
  const quote = await apiPost<{ number: number }>(request, "/api/v1/orders", {
    customer_id: customer.id,
    kind: "quote",
    delivery_type: "single",
    total: "75.00",
    payment_terms: "cash",
  });
  const order = await apiPost<{ id: number; number: number }>(request, "/api/v1/orders", {
    customer_id: customer.id,
    kind: "order",
    delivery_type: "single",
    total: "100.00",
    payment_terms: "cash",
  });
  await apiPost(request, `/api/v1/orders/${order.id}/deliveries`, {});
  const open = await apiPost<{ number: number }>(request, "/api/v1/orders", {
    customer_id: customer.id,
    kind: "order",
    delivery_type: "partial",
    total: "30.00",
    payment_terms: "cash",
  });
  await apiPost(request, `/api/v1/customers/${customer.id}/payments`, {
    method: "PIX",
    amount: "60.00",
    received_on: new Date().toISOString().slice(0, 10),
  });
  await apiPost(request, `/api/v1/customers/${customer.id}/payments`, {
    method: "CASH",
    amount: "80.00",
    received_on: new Date().toISOString().slice(0, 10),
  });

  const [all] = await apiPages(request, customer.id, 1);
  const [financial] = await apiPages(request, customer.id, 1, true);
  expect(all!.entries.map((e) => e.type).sort()).toEqual(
    ["delivery", "order", "payment", "payment", "quote"].sort(),
  );
  expect(financial!.entries.map((e) => e.balance)).toEqual(["40.00", "-40.00", "-100.00"]);

  await loginAt(page, `/customers/${customer.id}/balance`);
  const rows = page.getByTestId("statement-row");
  await expect(rows).toHaveCount(5);
  expect(await gridRows(page)).toEqual(expectedRows([all!]));
  await expect(page.getByRole("button", { name: "Carregar período anterior" })).toHaveCount(0);

  // Activity rows: no amount, no balance.
  for (const ref of [quote.number, open.number]) {
    const row = page.locator(`[data-testid=statement-row][data-reference="${ref}"]`);
    await expect(row.locator("td").nth(6)).toHaveText("");
    await expect(row.locator("td").nth(4)).toHaveText("");
  }
  await expect(page.locator("[data-type=quote] td").nth(1)).toHaveText("Orçamento");
  await expect(page.locator("[data-type=delivery] td").nth(3)).toHaveText("Entrega única");
  // Balance colours: green for credit, red for debt.
  const color = (balance: string) =>
    page
      .locator(`[data-testid=statement-row][data-balance="${balance}"] td:last-child [data-money]`)
      .evaluate((el) => getComputedStyle(el).color);
  const rgb = (c: string) => c.match(/\d+/g)!.map(Number);
  const [gr, gg] = rgb(await color("40.00"));
  expect(gg).toBeGreaterThan(gr! + 40);
  for (const debt of ["-40.00", "-100.00"]) {
    const [r, g] = rgb(await color(debt));
    expect(r).toBeGreaterThan(g! + 60);
  }
  await expect(
    page.locator('[data-testid=statement-row][data-balance="40.00"] td:last-child'),
  ).toHaveText(amount("40.00"));
  await shot(page, "balance-colours");

  await page.getByLabel("Somente lançamentos financeiros").check();
  await expect(rows).toHaveCount(3);
  expect(await gridRows(page)).toEqual(expectedRows([financial!]));
  await expect(page.locator("[data-type=order], [data-type=quote]")).toHaveCount(0);
  await expect(page.getByTestId("statement-received")).toHaveText(money("140.00"));
  await expect(page.getByTestId("statement-delivered")).toHaveText(money("100.00"));
  await page.getByLabel("Somente lançamentos financeiros").uncheck();
  await expect(rows).toHaveCount(5);
});

test("CSV and PDF of a chosen period download with the session and hold the statement", async ({
  page,
  request,
}) => {
  const customer = await longHistoryCustomer(request);
  const [first] = await apiPages(request, customer.id, 1);
  const from = first!.period.from!;
  const to = first!.period.to!;
  await loginAt(page, `/customers/${customer.id}/balance`);
  await expect(page.getByTestId("statement-row")).toHaveCount(50);

  await page.getByRole("button", { name: "Exportar…" }).click();
  const dialog = page.getByRole("dialog", { name: "Exportar extrato" });
  await expect(dialog.getByLabel("De")).toHaveValue(from);
  await expect(dialog.getByLabel("Até")).toHaveValue(to);
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== "running"),
  );
  await page.screenshot({ path: "test-results/screens/balance-export-dialog.png" });
  expect(await seriousViolations(page)).toEqual([]);

  // A start after the end is refused before anything is asked for.
  let asked = 0;
  page.on("request", (r) => {
    if (r.url().includes("/statement/export")) asked += 1;
  });
  await dialog.getByLabel("De").fill("2026-02-01");
  await dialog.getByLabel("Até").fill("2026-01-01");
  await expect(dialog.getByText("A data inicial é posterior à final.")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Baixar CSV" })).toBeDisabled();
  await expect(dialog.getByRole("button", { name: "Baixar PDF" })).toBeDisabled();
  expect(asked).toBe(0);

  await dialog.getByLabel("De").fill(from);
  await dialog.getByLabel("Até").fill(to);
  const [csvResponse, csv] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/statement/export")),
    page.waitForEvent("download"),
    dialog.getByRole("button", { name: "Baixar CSV" }).click(),
  ]);
  expect(csvResponse.status()).toBe(200);
  expect(csvResponse.headers()["content-type"]).toMatch(/^text\/csv/);
  expect(csvResponse.request().headers()["authorization"]).toMatch(/^Bearer /);
  expect(new URL(csvResponse.url()).searchParams.get("from")).toBe(from);
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  const lines = readFileSync((await csv.path())!, "utf8")
    .trim()
    .split(/\r?\n/);
  expect(lines[0]).toBe("date,type,reference,description,debit,credit,balance");
  expect(lines[1]).toMatch(new RegExp(`^${from},opening,,Opening balance,,,`));
  expect(lines.at(-1)).toBe(`${to},closing,,Closing balance,,,${customer.balance}`);
  // The rows of the period are the first page's rows (all of them lie in it), oldest first.
  const body = lines.slice(2, -1);
  for (const e of first!.entries) {
    expect(body).toContain(
      [
        e.date,
        e.type,
        e.reference,
        e.description,
        e.debit ?? "",
        e.credit ?? "",
        e.balance ?? "",
      ].join(","),
    );
  }
  await expect(dialog.getByTestId("statement-export-done")).toContainText(csv.suggestedFilename());

  const [pdfResponse, pdf] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/statement/export")),
    page.waitForEvent("download"),
    dialog.getByRole("button", { name: "Baixar PDF" }).click(),
  ]);
  expect(pdfResponse.status()).toBe(200);
  expect(pdfResponse.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
  const bytes = readFileSync((await pdf.path())!);
  expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(bytes.length).toBeGreaterThan(2000);

  // The server stays the judge: a request it refuses (here altered on its way to say from > to)
  // is shown on the field the problem names, and no file is saved.
  await page.route("**/statement/export**", (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set("from", "2026-02-01");
    url.searchParams.set("to", "2026-01-01");
    return route.continue({ url: url.toString() });
  });
  let downloads = 0;
  page.on("download", () => (downloads += 1));
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/statement/export")),
    dialog.getByRole("button", { name: "Baixar CSV" }).click(),
  ]);
  expect(refused.status()).toBe(422);
  expect(refused.headers()["content-type"]).toMatch(/^application\/problem\+json/);
  await expect(dialog.getByTestId("statement-export-problem")).toBeVisible();
  await expect(dialog.getByTestId("statement-export-done")).toHaveCount(0);
  const fromError = (await refused.json()) as { errors: { field: string; message: string }[] };
  const message = fromError.errors.find((e) => e.field.endsWith("from"))!.message;
  await expect(dialog).toContainText(message);
  expect(downloads).toBe(0);
});

test("the Balance tab in English", async ({ page, request }) => {
  const customer = await longHistoryCustomer(request);
  await page.addInitScript(() => localStorage.setItem("custledger.language", "en"));
  await page.goto(`/customers/${customer.id}/balance`);
  await page.getByLabel("Usuário").or(page.getByLabel("Username")).fill(OWNER.username);
  await page.locator("input[name=password]").fill(OWNER.password);
  await page.getByRole("button", { name: /^(Entrar|Sign in|Log in)$/ }).click();
  await expect(page.getByTestId("statement-row")).toHaveCount(50);
  await expect(page.getByRole("button", { name: "Load earlier period" })).toBeVisible();
  await expect(page.getByLabel("Financial rows only")).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Balance" })).toBeVisible();
  await shot(page, "balance-tab-en");
});
