import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, loginAt, OWNER, shot, test } from "./fixtures";

interface Purchase {
  order_id: number;
  number: number;
  date: string;
  total: string;
  delivered_amount: string;
  payment_status: "paid" | "partial" | "unpaid";
  unpaid_amount: string;
}

interface Order {
  id: number;
  number: number;
  deliveries: { id: number; sequence: number; delivered_on: string; amount: string }[];
}

async function headers(request: APIRequestContext): Promise<Record<string, string>> {
  const response = await request.post("/api/v1/auth/token", {
    form: { grant_type: "password", username: OWNER.username, password: OWNER.password },
  });
  expect(response.ok()).toBe(true);
  const { access_token } = (await response.json()) as { access_token: string };
  return { Authorization: `Bearer ${access_token}` };
}

async function apiGet<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(path, { headers: await headers(request) });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

async function apiPost<T>(request: APIRequestContext, path: string, data: object): Promise<T> {
  const response = await request.post(path, { headers: await headers(request), data });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(201);
  return (await response.json()) as T;
}

async function seriousViolations(page: Page): Promise<string[]> {
  return (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const money = (value: string) =>
  new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL" }).format(Number(value));
const day = (value: string) => value.split("-").reverse().join("/");

/** A customer with three delivered orders: one paid, one partly paid (two deliveries), one not. */
async function customerWithPurchases(request: APIRequestContext) {
  const customer = await apiPost<{ id: number }>(request, "/api/v1/customers", {
    name: `Compras Teste ${Date.now() % 1_000_000}`,
  });
  const order = (total: string, delivery_type: string) =>
    apiPost<Order>(request, "/api/v1/orders", {
      customer_id: customer.id,
      kind: "order",
      delivery_type,
      total,
      payment_terms: "cash",
    });
  const paid = await order("100.00", "single");
  await apiPost(request, `/api/v1/orders/${paid.id}/deliveries`, {});
  const partial = await order("200.00", "partial");
  await apiPost(request, `/api/v1/orders/${partial.id}/deliveries`, { amount: "50.00" });
  await apiPost(request, `/api/v1/orders/${partial.id}/deliveries`, { amount: "70.00" });
  const unpaid = await order("80.00", "single");
  await apiPost(request, `/api/v1/orders/${unpaid.id}/deliveries`, {});
  // Payments pay the deliveries oldest first: the first order whole, 30.00 of the second.
  await apiPost(request, `/api/v1/customers/${customer.id}/payments`, {
    method: "PIX",
    amount: "130.00",
    received_on: new Date().toISOString().slice(0, 10),
  });
  return { customer, paid, partial, unpaid };
}

test("the purchase history shows each order's amount and payment status; an order opens with its deliveries", async ({
  page,
  request,
}) => {
  const { customer, paid, partial, unpaid } = await customerWithPurchases(request);
  const api = await apiGet<{ items: Purchase[] }>(
    request,
    `/api/v1/customers/${customer.id}/purchases`,
  );
  const statusOf = Object.fromEntries(api.items.map((p) => [p.number, p.payment_status]));
  expect(statusOf).toEqual({
    [paid.number]: "paid",
    [partial.number]: "partial",
    [unpaid.number]: "unpaid",
  });

  await loginAt(page, `/customers/${customer.id}/purchases`);
  const rows = page.getByTestId("purchase-row");
  await expect(rows).toHaveCount(3);
  // Row for row what the API says, in its order.
  for (const [i, p] of api.items.entries()) {
    const cells = rows.nth(i).locator("td");
    await expect(cells.nth(0)).toHaveText(String(p.number));
    await expect(cells.nth(1)).toHaveText(day(p.date));
    await expect(cells.nth(2)).toHaveText(money(p.total));
    await expect(cells.nth(3)).toHaveText(money(p.delivered_amount));
    await expect(cells.nth(4)).toHaveText(money(p.unpaid_amount));
    await expect(cells.nth(5)).toHaveText(
      { paid: "Pago", partial: "Parcial", unpaid: "Não pago" }[p.payment_status],
    );
  }
  await expect(page.getByTestId("purchases-table")).toContainText(money("90.00"));
  await shot(page, "purchases-tab");
  expect(await seriousViolations(page)).toEqual([]);

  // The partly paid order, opened from the keyboard.
  await page.getByRole("button", { name: `Abrir pedido ${partial.number}` }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: `Pedido ${partial.number}` });
  await expect(dialog).toBeVisible();
  const order = await apiGet<Order>(request, `/api/v1/orders/${partial.id}`);
  const deliveries = dialog.getByTestId("order-deliveries").locator("tbody tr");
  await expect(deliveries).toHaveCount(2);
  for (const [i, d] of order.deliveries.entries()) {
    await expect(deliveries.nth(i).locator("td")).toHaveText([
      String(d.sequence),
      day(d.delivered_on),
      money(d.amount),
    ]);
  }
  await expect(dialog).toContainText("Entregas parciais");
  await expect(dialog).toContainText(money("80.00")); // still to deliver: 200.00 − 120.00
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== "running"),
  );
  await page.screenshot({ path: "test-results/screens/purchases-order-dialog.png" });
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Another order by clicking its row.
  await rows
    .filter({ hasText: String(paid.number) })
    .locator("td")
    .nth(1)
    .click();
  await expect(page.getByRole("dialog", { name: `Pedido ${paid.number}` })).toBeVisible();
  await expect(page.getByTestId("order-deliveries").locator("tbody tr")).toHaveCount(1);
});

test("a long purchase history loads 50 at a time", async ({ page, request }) => {
  const top = await apiGet<{ items: { id: number }[] }>(
    request,
    "/api/v1/customers?sort=-total_purchases&limit=1",
  );
  const id = top.items[0]!.id;
  const first = await apiGet<{ items: Purchase[]; next_cursor: string | null }>(
    request,
    `/api/v1/customers/${id}/purchases?limit=50`,
  );
  expect(first.next_cursor).not.toBeNull();
  const second = await apiGet<{ items: Purchase[] }>(
    request,
    `/api/v1/customers/${id}/purchases?limit=50&cursor=${encodeURIComponent(first.next_cursor!)}`,
  );

  await loginAt(page, `/customers/${id}/purchases`);
  const rows = page.getByTestId("purchase-row");
  await expect(rows).toHaveCount(50);
  await page.getByRole("button", { name: "Carregar mais" }).click();
  await expect(rows).toHaveCount(100);
  const numbers = await rows.evaluateAll((trs) =>
    trs.map((tr) => tr.querySelector("td")!.textContent),
  );
  expect(numbers).toEqual([...first.items, ...second.items].map((p) => String(p.number)));
});
