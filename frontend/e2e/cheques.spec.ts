import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { CLERK, expect, loginAt, OWNER, shot, test, call, MANAGER, type Who } from "./fixtures";

async function me(request: APIRequestContext, who: Who = OWNER) {
  const response = await call(request, "GET", "/api/v1/auth/me", who);
  return (await response.json()) as { today: string; store_id: number };
}

const unique = () => `${Date.now() % 1_000_000}`;
let serial = 0;

async function newCustomer(request: APIRequestContext, name: string) {
  const response = await call(request, "POST", "/api/v1/customers", OWNER, { name });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: number; name: string; number: number };
}

interface Payment {
  id: number;
  amount: string;
  cheque: { cheque_number: string; status: string };
}

/** A cheque received today, pre-dated to `predated`, recorded by the owner. */
async function chequePayment(
  request: APIRequestContext,
  customerId: number,
  amount: string,
  predated: string,
  today: string,
  received: string | null = today,
): Promise<Payment> {
  serial += 1;
  const response = await call(request, "POST", `/api/v1/customers/${customerId}/payments`, OWNER, {
    method: "CHEQUE",
    amount,
    due_date: today,
    received_on: received,
    cheque: {
      predated_to: predated,
      issuer_tax_id: "529.982.247-25",
      issuer_name: "Carlos Eduardo Lima",
      bank: "341",
      branch: "0912",
      account: `55${unique()}-${serial}`,
      cheque_number: `9${unique()}${serial}`,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as Payment;
}

async function seriousViolations(page: Page): Promise<string[]> {
  return (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function dialogShot(page: Page, name: string): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== "running"),
  );
  await page.waitForTimeout(300); // the modal's fade-in is a transition, not an animation
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

const row = (page: Page, paymentId: number) =>
  page.locator(`[data-testid=payment-row][data-payment-id="${paymentId}"]`);

test("a clerk deposits a held cheque, is never offered the return, and the API refuses it", async ({
  page,
  request,
}) => {
  const { today } = await me(request);
  const c = await newCustomer(request, `Cheque Caixa ${unique()}`);
  const p = await chequePayment(request, c.id, "180.00", today, today);
  const number = p.cheque.cheque_number;

  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  const r = row(page, p.id);
  await expect(r.getByTestId("cheque-status")).toHaveText("Em caixa");
  await expect(r.getByRole("button", { name: `Devolver o cheque ${number}` })).toHaveCount(0);
  await expect(r.getByRole("button", { name: /compensado/ })).toHaveCount(0);

  await r.getByRole("button", { name: `Depositar o cheque ${number}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel(/^Depositado em/)).toBeVisible();
  await dialogShot(page, "cheques-deposit-dialog");
  const sent = page.waitForRequest((q) => q.url().endsWith(`/cheques/${p.id}/deposit`));
  await dialog.getByRole("button", { name: "Registrar depósito" }).click();
  const headers = (await sent).headers();
  expect(headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers["if-match"]).toMatch(/^"\d+"$/);
  await expect(dialog).toBeHidden();

  await expect(r.getByTestId("cheque-status")).toHaveText("Depositado");
  await expect(r.getByRole("button", { name: /compensado/ })).toBeVisible();
  await expect(r.getByRole("button", { name: `Devolver o cheque ${number}` })).toHaveCount(0);
  await expect(r.getByRole("button", { name: `Depositar o cheque ${number}` })).toHaveCount(0);

  // The server agrees: the clerk's crafted return is 403 and changes nothing.
  const crafted = await call(request, "POST", `/api/v1/cheques/${p.id}/return`, CLERK, {
    reason: "alínea 11",
  });
  expect(crafted.status()).toBe(403);
  expect(crafted.headers()["content-type"]).toContain("application/problem+json");
  const after = await call(request, "GET", `/api/v1/payments/${p.id}`);
  expect(((await after.json()) as Payment).cheque.status).toBe("deposited");
});

test("a step on a cheque changed meanwhile is refused (412) in words and the row refreshed", async ({
  page,
  request,
}) => {
  const { today } = await me(request);
  const c = await newCustomer(request, `Cheque Conflito ${unique()}`);
  const p = await chequePayment(request, c.id, "75.00", today, today);
  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  await row(page, p.id)
    .getByRole("button", { name: `Depositar o cheque ${p.cheque.cheque_number}` })
    .click();
  const dialog = page.getByRole("dialog");
  // A colleague deposits it from another screen before this clerk confirms.
  expect((await call(request, "POST", `/api/v1/cheques/${p.id}/deposit`)).status()).toBe(200);
  await dialog.getByRole("button", { name: "Registrar depósito" }).click();
  // The row's version is stale (If-Match): 412, said in words, and the row is refreshed.
  await expect(dialog.getByTestId("step-problem")).toContainText(
    "Este registro foi alterado por outra pessoa",
  );
  await dialog.getByRole("button", { name: "Cancelar" }).click();
  await expect(row(page, p.id).getByTestId("cheque-status")).toHaveText("Depositado");
});

test("the manager returns a deposited cheque: the balance drops, the statement shows it, nothing more is offered", async ({
  page,
  request,
}) => {
  const { today } = await me(request);
  const c = await newCustomer(request, `Cheque Devolvido ${unique()}`);
  const p = await chequePayment(request, c.id, "250.00", today, today);
  const number = p.cheque.cheque_number;
  expect((await call(request, "POST", `/api/v1/cheques/${p.id}/deposit`)).status()).toBe(200);

  // A pending cheque deposited: it never counted in the balance, so it cannot be returned.
  const pending = await chequePayment(request, c.id, "40.00", today, today, null);
  expect((await call(request, "POST", `/api/v1/cheques/${pending.id}/deposit`)).status()).toBe(200);

  await loginAt(page, `/customers/${c.id}/payments`, MANAGER);
  const pendingRow = row(page, pending.id);
  await expect(pendingRow.getByTestId("cheque-status")).toHaveText("Depositado");
  await expect(pendingRow.getByRole("button", { name: /compensado/ })).toBeVisible();
  await expect(pendingRow.getByRole("button", { name: /^Devolver/ })).toHaveCount(0);
  const r = row(page, p.id);
  await expect(page.getByTestId("header-balance")).toHaveText("R$ 250,00");
  await expect(r.getByTestId("cheque-status")).toHaveText("Depositado");
  // The bank has the paper: the payment can no longer be edited or deleted, even by a manager.
  await expect(r.getByRole("button", { name: `Editar o recebimento ${p.id}` })).toHaveCount(0);
  await expect(r.getByRole("button", { name: /^Excluir/ })).toHaveCount(0);
  await shot(page, "cheques-payments-tab-deposited");
  expect(await seriousViolations(page)).toEqual([]);

  await r.getByRole("button", { name: `Devolver o cheque ${number}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("return-warning")).toContainText("R$ 250,00");
  await dialog.getByRole("button", { name: "Registrar devolução" }).click();
  await expect(dialog.getByText("Informe por que o banco devolveu o cheque.")).toBeVisible();
  await dialog.getByLabel(/^Motivo da devolução/).fill("alínea 11: insuficiência de fundos");
  await dialogShot(page, "cheques-return-dialog");
  expect(await seriousViolations(page)).toEqual([]);
  const sent = page.waitForRequest((q) => q.url().endsWith(`/cheques/${p.id}/return`));
  await dialog.getByRole("button", { name: "Registrar devolução" }).click();
  expect((await sent).headers()["idempotency-key"]).toBeTruthy();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId("header-balance")).toHaveText("R$ 0,00");
  await expect(r.getByTestId("cheque-status")).toHaveText("Devolvido");
  await expect(r.getByRole("button")).toHaveCount(1); // only the cheque's own link: no step
  await r.getByTestId("cheque-status").hover();
  await expect(page.getByRole("tooltip")).toContainText("Devolvido em");
  await shot(page, "cheques-payments-tab-returned");

  await page.getByRole("tab", { name: /Saldo/ }).click();
  const returnedRow = page.locator("[data-testid=statement-row][data-type=returned_cheque]");
  await expect(returnedRow).toHaveCount(1);
  await expect(returnedRow).toContainText("Cheque devolvido");
  await expect(returnedRow).toContainText("250,00");
  await expect(returnedRow).not.toContainText("Returned cheque"); // the description translated too
  await expect(page.getByTestId("statement-returned")).toHaveText("R$ 250,00");
  await shot(page, "cheques-balance-returned-row");
});

test("the Cheques screen lists the held cheques due by today, oldest first, as the API does", async ({
  page,
  request,
}) => {
  const who = await me(request);
  const api = await call(
    request,
    "GET",
    `/api/v1/cheques?status=held&predated_to_before=${who.today}&store_id=${who.store_id}&limit=50`,
  );
  const expected = (await api.json()) as {
    items: { payment_id: number; customer: { id: number }; cheque: { predated_to: string } }[];
    next_cursor: string | null;
  };
  expect(expected.items.length).toBeGreaterThan(0);
  const days = expected.items.map((i) => i.cheque.predated_to);
  expect(days).toEqual([...days].sort());
  expect(days.every((d) => d <= who.today)).toBe(true);

  await loginAt(page, "/customers", OWNER);
  await page.getByRole("link", { name: "Cheques" }).click();
  await expect(page).toHaveURL(/\/cheques$/);
  const rows = page.getByTestId("cheque-row");
  await expect(rows).toHaveCount(expected.items.length);
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.paymentId)));
  expect(shown).toEqual(expected.items.map((i) => i.payment_id));
  // Away from the menu link just clicked: its hover shade is Mantine's, not this screen's.
  await page.mouse.move(900, 20);
  await shot(page, "cheques-screen");
  expect(await seriousViolations(page)).toEqual([]);

  if (expected.next_cursor) {
    await page.getByRole("button", { name: "Carregar mais" }).click();
    const more = await call(
      request,
      "GET",
      `/api/v1/cheques?status=held&predated_to_before=${who.today}&store_id=${who.store_id}&limit=50&cursor=${encodeURIComponent(expected.next_cursor)}`,
    );
    const second = (await more.json()) as { items: { payment_id: number }[] };
    await expect(rows).toHaveCount(expected.items.length + second.items.length);
    const all = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.paymentId)));
    expect(all).toEqual([...expected.items, ...second.items].map((i) => i.payment_id));
  }

  // A row opens its customer's Payments tab.
  const first = expected.items[0]!;
  await rows.first().getByRole("cell").nth(1).click();
  await expect(page).toHaveURL(`/customers/${first.customer.id}/payments`);
  await expect(page.getByTestId("payments-table")).toBeVisible();
});

test("several held cheques deposited in one go; a refused one is named and the others stand", async ({
  page,
  request,
}) => {
  const { today } = await me(request);
  const c = await newCustomer(request, `Cheques Lote ${unique()}`);
  // Pre-dated long ago, so a filter by that day shows only these three.
  const day = "2001-02-0";
  const a = await chequePayment(request, c.id, "100.00", `${day}1`, today);
  const b = await chequePayment(request, c.id, "200.00", `${day}2`, today);
  const d = await chequePayment(request, c.id, "300.00", `${day}3`, today);

  await loginAt(page, "/cheques", OWNER);
  const by = page.getByLabel("Bom para até");
  await by.fill("03/02/2001");
  await by.press("Tab");
  await expect(by).toHaveValue("03/02/2001");
  const rows = page.getByTestId("cheque-row");
  await expect(rows).toHaveCount(3);
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.paymentId)));
  expect(ids).toEqual([a.id, b.id, d.id]);

  await page
    .getByRole("checkbox", { name: "Selecionar todos os cheques em caixa exibidos" })
    .check();
  await expect(page.getByRole("button", { name: "Depositar 3 cheques" })).toBeEnabled();
  await page.getByRole("button", { name: "Depositar 3 cheques" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("3 cheques, somando R$ 600,00");
  await dialogShot(page, "cheques-bulk-dialog");
  // Meanwhile the second one is deposited elsewhere: its step will be refused.
  expect((await call(request, "POST", `/api/v1/cheques/${b.id}/deposit`)).status()).toBe(200);

  const keys: string[] = [];
  page.on("request", (q) => {
    if (q.url().includes("/deposit")) keys.push(q.headers()["idempotency-key"] ?? "");
  });
  await dialog.getByRole("button", { name: "Registrar depósitos" }).click();
  await expect(dialog).toBeHidden();
  const failures = page.getByTestId("deposit-failures");
  await expect(failures).toContainText(
    `Cheque ${b.cheque.cheque_number} de ${c.name}: não está mais em caixa (agora: Depositado)`,
  );
  await expect(failures).not.toContainText(a.cheque.cheque_number);
  expect(keys).toHaveLength(3);
  expect(new Set(keys).size).toBe(3);

  for (const p of [a, b, d]) {
    const got = await call(request, "GET", `/api/v1/payments/${p.id}`);
    expect(((await got.json()) as Payment).cheque.status).toBe("deposited");
  }
  await expect(rows).toHaveCount(0);
  await expect(page.getByTestId("cheques-empty")).toBeVisible();
  await shot(page, "cheques-bulk-after");

  // The deposited filter shows them, each with its badge.
  await page.getByLabel("Situação", { exact: true }).first().click();
  await page.getByRole("option", { name: "Depositado" }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.getByTestId("cheque-status").first()).toHaveText("Depositado");
});

test("this month's returns, in English too", async ({ page, request }) => {
  const { today } = await me(request);
  const c = await newCustomer(request, `Returned This Month ${unique()}`);
  const p = await chequePayment(request, c.id, "90.00", today, today);
  expect((await call(request, "POST", `/api/v1/cheques/${p.id}/deposit`)).status()).toBe(200);
  expect(
    (
      await call(request, "POST", `/api/v1/cheques/${p.id}/return`, OWNER, { reason: "alínea 12" })
    ).status(),
  ).toBe(200);

  await loginAt(page, "/cheques", OWNER);
  await page.locator("label", { hasText: /^EN$/ }).click();
  await expect(page.getByRole("heading", { name: "Cheques" })).toBeVisible();
  await page.getByRole("checkbox", { name: /Returned this month/ }).check();
  const rows = page.getByTestId("cheque-row");
  await expect(rows.first()).toBeVisible();
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.paymentId)));
  expect(shown).toContain(p.id);
  const statuses = await rows.getByTestId("cheque-status").allTextContents();
  expect(statuses.every((s) => s === "Returned")).toBe(true);
  await expect(page.getByRole("button", { name: "Deposit the selected cheques" })).toBeDisabled();
  await shot(page, "cheques-screen-returned-en");
  expect(await seriousViolations(page)).toEqual([]);
});
