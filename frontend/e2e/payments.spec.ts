import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { CLERK, expect, loginAt, OWNER, shot, test, call, MANAGER, type Who } from "./fixtures";

/** The business date of the server (GET /auth/me), and the days around it. */
async function businessDays(request: APIRequestContext) {
  const me = (await (await call(request, "GET", "/api/v1/auth/me")).json()) as { today: string };
  const shift = (days: number) => {
    const d = new Date(`${me.today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  return { today: me.today, yesterday: shift(-1), tomorrow: shift(1), shift };
}

/** `2026-12-04` as the pt-BR date fields show and take it: `04/12/2026`. */
const br = (iso: string) => iso.split("-").reverse().join("/");

const MONTHS =
  "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(
    " ",
  );
/** A day's button in the pt-BR calendar: `3 dezembro 2026`. */
const calendarName = (iso: string) =>
  `${Number(iso.slice(8))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;

const unique = () => `${Date.now() % 1_000_000}`;

async function newCustomer(request: APIRequestContext, name: string) {
  const response = await call(request, "POST", "/api/v1/customers", OWNER, { name });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: number; name: string };
}

interface Payment {
  id: number;
  amount: string;
  received_on: string | null;
  order_number: number | null;
  cheque: { issuer_name: string; cheque_number: string } | null;
}

async function payments(request: APIRequestContext, customerId: number): Promise<Payment[]> {
  const response = await call(request, "GET", `/api/v1/customers/${customerId}/payments?limit=100`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { items: Payment[] }).items;
}

async function pay(
  request: APIRequestContext,
  customerId: number,
  body: Record<string, unknown>,
  who: Who = OWNER,
): Promise<Payment> {
  const response = await call(
    request,
    "POST",
    `/api/v1/customers/${customerId}/payments`,
    who,
    body,
  );
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
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

const modal = (page: Page) => page.getByRole("dialog");
const receivedField = (dialog: Locator) => dialog.getByLabel(/^Recebido em/);

async function openNewPayment(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Adicionar recebimento" }).click();
  const dialog = modal(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Types a date into a date field the way a clerk does, then leaves the field. */
async function typeDate(field: Locator, iso: string): Promise<void> {
  await field.click();
  await field.fill(br(iso));
  await field.press("Tab");
}

test("the tab: due dates coloured by the business day, a CHEQUE cell opens its cheque", async ({
  page,
  request,
}) => {
  const { today, yesterday, shift } = await businessDays(request);
  const c = await newCustomer(request, `Recebimentos Cores ${unique()}`);
  await pay(request, c.id, {
    method: "BOLETO",
    amount: "150.00",
    due_date: yesterday,
    received_on: null,
  });
  await pay(request, c.id, {
    method: "BOLETO",
    amount: "200.00",
    due_date: today,
    received_on: null,
  });
  await pay(request, c.id, {
    method: "PIX",
    amount: "80.00",
    due_date: shift(10),
    received_on: null,
  });
  await pay(request, c.id, {
    method: "CHEQUE",
    amount: "320.50",
    due_date: shift(30),
    received_on: today,
    details: "Cheque pré-datado",
    cheque: {
      predated_to: shift(30),
      issuer_tax_id: "529.982.247-25",
      issuer_name: "Carlos Eduardo Lima",
      bank: "237",
      branch: "0456",
      account: "778899-1",
      cheque_number: `7${unique()}`,
    },
  });
  await loginAt(page, `/customers/${c.id}/payments`);
  const rows = page.getByTestId("payment-row");
  await expect(rows).toHaveCount(4);
  await expect(page.locator("[data-tone=overdue]")).toContainText("vencido");
  await expect(page.locator("[data-tone=today]")).toContainText("vence hoje");
  await expect(page.locator("[data-tone=upcoming]")).toContainText("a vencer");
  await expect(page.locator("[data-tone=paid]")).toHaveCount(1);
  await expect(rows.first()).toContainText("R$ 320,50");
  await shot(page, "payments-tab");
  expect(await seriousViolations(page)).toEqual([]);

  await page.locator("label", { hasText: "Pendentes" }).click();
  await expect(rows).toHaveCount(3);
  await page.locator("label", { hasText: "Recebidos" }).click();
  await expect(rows).toHaveCount(1);

  await rows
    .first()
    .getByRole("button", { name: /Cheque .*abrir/ })
    .click();
  const dialog = modal(page);
  await expect(dialog.getByLabel(/^Emitente/)).toHaveValue("Carlos Eduardo Lima");
  await expect(dialog.getByLabel(/^CPF\/CNPJ do emitente/)).toHaveValue("529.982.247-25");
  await expect(dialog.getByLabel(/^Banco/)).toHaveValue("237");
  await dialogShot(page, "payments-modal-cheque");
  expect(await seriousViolations(page)).toEqual([]);
});

test("a clerk cannot backdate: the picker refuses, and a crafted request's 403 is shown", async ({
  page,
  request,
}) => {
  const { today, yesterday, tomorrow } = await businessDays(request);
  const c = await newCustomer(request, `Retroativo Caixa ${unique()}`);
  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  const dialog = await openNewPayment(page);
  await dialog.getByLabel(/^Valor/).fill("125,5");
  const received = receivedField(dialog);
  await expect(received).toHaveValue(br(today));
  await typeDate(received, yesterday);
  await expect(received).toHaveValue(br(today));
  await typeDate(received, tomorrow);
  await expect(received).toHaveValue(br(today));
  // The calendar offers neither day (its buttons are named "3 dezembro 2026").
  await received.click();
  for (const iso of [yesterday, tomorrow]) {
    if (iso.slice(0, 7) !== today.slice(0, 7)) continue; // shown in another month
    await expect(page.getByRole("button", { name: calendarName(iso), exact: true })).toBeDisabled();
  }
  await expect(page.getByRole("button", { name: calendarName(today), exact: true })).toBeEnabled();
  await received.press("Escape");
  await expect(page.getByRole("button", { name: calendarName(today), exact: true })).toBeHidden();
  await expect(dialog).toBeVisible();
  await dialogShot(page, "payments-modal-clerk");
  expect(await seriousViolations(page)).toEqual([]);

  // A request crafted past the picker: the server refuses it and the modal says why.
  await page.route(`**/api/v1/customers/${c.id}/payments`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const body = { ...(route.request().postDataJSON() as object), received_on: yesterday };
    await route.continue({ postData: JSON.stringify(body) });
  });
  await dialog.getByRole("button", { name: "Salvar" }).click();
  const problem = dialog.getByTestId("payment-problem");
  await expect(problem).toContainText("data anterior a hoje exige a permissão de gerente");
  await expect(dialog.getByLabel(/^Valor/)).toHaveValue("125,50");
  expect(await payments(request, c.id)).toHaveLength(0);
});

test("a manager can backdate, but not into the future", async ({ page, request }) => {
  const { today, yesterday, tomorrow } = await businessDays(request);
  const c = await newCustomer(request, `Retroativo Gerente ${unique()}`);
  await loginAt(page, `/customers/${c.id}/payments`, MANAGER);
  await expect(page.getByTestId("header-balance")).toHaveText("R$ 0,00");
  const dialog = await openNewPayment(page);
  await dialog.getByLabel(/^Valor/).fill("90");
  const received = receivedField(dialog);
  await typeDate(received, tomorrow);
  await expect(received).toHaveValue(br(today));
  await typeDate(received, yesterday);
  await expect(received).toHaveValue(br(yesterday));
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("payment-row")).toHaveCount(1);
  // The header's balance follows the write without a reload.
  await expect(page.getByTestId("header-balance")).toHaveText("R$ 90,00");
  const saved = await payments(request, c.id);
  expect(saved).toHaveLength(1);
  expect(saved[0]!.received_on).toBe(yesterday);
  expect(saved[0]!.amount).toBe("90.00");
});

test("a clerk edits their own payment of today but not a colleague's", async ({
  page,
  request,
}) => {
  const { today } = await businessDays(request);
  const c = await newCustomer(request, `Edição Caixa ${unique()}`);
  const colleague = await pay(
    request,
    c.id,
    { method: "CASH", amount: "40.00", received_on: today, details: "do gerente" },
    MANAGER,
  );
  const own = await pay(
    request,
    c.id,
    { method: "PIX", amount: "60.00", received_on: today, details: "do caixa" },
    CLERK,
  );
  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  const ownRow = page.locator(`[data-payment-id="${own.id}"]`);
  const colleagueRow = page.locator(`[data-payment-id="${colleague.id}"]`);
  await expect(
    ownRow.getByRole("button", { name: `Editar o recebimento ${own.id}` }),
  ).toBeVisible();
  await expect(colleagueRow.getByRole("button")).toHaveCount(0);

  await ownRow.getByRole("button", { name: `Editar o recebimento ${own.id}` }).click();
  const dialog = modal(page);
  await expect(dialog.getByLabel(/^Valor/)).toHaveValue("60,00");
  await dialog.getByLabel(/^Valor/).fill("65,00");
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await expect(dialog).toBeHidden();
  await expect(ownRow).toContainText("R$ 65,00");
  const saved = await payments(request, c.id);
  expect(saved.find((p) => p.id === own.id)!.amount).toBe("65.00");

  // Deleting the colleague's payment with a crafted request: the server's 403 in words.
  await page.route(`**/api/v1/payments/${own.id}`, async (route) => {
    if (route.request().method() !== "DELETE") return route.continue();
    await route.continue({
      url: route.request().url().replace(`/${own.id}`, `/${colleague.id}`),
      headers: { ...route.request().headers(), "if-match": "*" },
    });
  });
  await ownRow.getByRole("button", { name: `Excluir o recebimento ${own.id}` }).click();
  const confirm = page.getByRole("dialog", { name: "Excluir recebimento?" });
  await confirm.getByRole("button", { name: "Excluir" }).click();
  await expect(confirm.getByTestId("delete-problem")).toContainText(
    "só quem registrou o recebimento pode alterá-lo",
  );
  expect(await payments(request, c.id)).toHaveLength(2);
});

test("a cheque batch with a refused row names it and saves nothing, then saves all three", async ({
  page,
  request,
}) => {
  const { today, shift } = await businessDays(request);
  const other = await newCustomer(request, `Cheque Anterior ${unique()}`);
  const book = `${unique()}`;
  const recorded = await pay(request, other.id, {
    method: "CHEQUE",
    amount: "10.00",
    received_on: today,
    cheque: {
      predated_to: today,
      issuer_tax_id: "11.222.333/0001-81",
      issuer_name: "Padaria Pão Quente Ltda",
      bank: "341",
      branch: "1234",
      account: `5${book}`,
      cheque_number: "000102",
    },
  });
  const c = await newCustomer(request, `Lote Cheques ${unique()}`);
  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  const dialog = await openNewPayment(page);
  await dialog.getByRole("combobox", { name: /^Forma de pagamento/ }).click();
  await page.getByRole("option", { name: "Cheque" }).click();
  const batch = dialog.getByTestId("cheque-batch");
  await expect(batch).toBeVisible();

  // Row 1 typed by hand; Auto-fill brings the issuer of the cheque recorded before.
  await batch.getByLabel("Valor do cheque 1", { exact: true }).fill("100,00");
  await typeDate(batch.getByLabel("Bom para do cheque 1", { exact: true }), shift(30));
  await batch
    .getByLabel("CPF/CNPJ do emitente do cheque 1", { exact: true })
    .fill("11222333000181");
  await batch.getByRole("button", { name: /Preencher o emitente do cheque 1/ }).click();
  await expect(batch.getByLabel("Emitente do cheque 1", { exact: true })).toHaveValue(
    "Padaria Pão Quente Ltda",
  );
  await expect(batch.getByLabel("Conta do cheque 1", { exact: true })).toHaveValue(`5${book}`);
  await expect(batch.getByLabel("Nº do cheque do cheque 1", { exact: true })).toHaveValue("");
  await batch.getByLabel("Nº do cheque do cheque 1", { exact: true }).fill("000101");
  // Enter adds the next cheque of the same book, twice.
  await batch.getByLabel("Nº do cheque do cheque 1", { exact: true }).press("Enter");
  await expect(batch.getByLabel("Valor do cheque 2", { exact: true })).toBeFocused();
  await batch.getByLabel("Valor do cheque 2", { exact: true }).press("Enter");
  await expect(batch.getByLabel("Valor do cheque 3", { exact: true })).toBeFocused();
  await expect(batch.getByLabel("Nº do cheque do cheque 2", { exact: true })).toHaveValue("000102");
  await expect(batch.getByLabel("Nº do cheque do cheque 3", { exact: true })).toHaveValue("000103");
  await expect(dialog.getByTestId("batch-total")).toContainText("3 cheques");
  await expect(dialog.getByTestId("batch-total")).toContainText("R$ 300,00");
  await dialogShot(page, "payments-modal-batch");
  expect(await seriousViolations(page)).toEqual([]);

  // Cheque 2 is the one already recorded: the server refuses the batch and names the row.
  await page.keyboard.press("Control+Enter");
  const problem = dialog.getByTestId("payment-problem");
  await expect(problem).toContainText("Este cheque já está registrado");
  await expect(problem).toContainText(`recebimento ${recorded.id}`);
  await expect(problem).toContainText("cheque(s) 2");
  await expect(batch.locator('[data-row="1"]')).toHaveAttribute("data-invalid", "true");
  await expect(batch.locator('[data-row="0"]')).not.toHaveAttribute("data-invalid", "true");
  await dialogShot(page, "payments-modal-batch-refused");
  expect(await payments(request, c.id)).toHaveLength(0);

  await batch.getByLabel("Nº do cheque do cheque 2", { exact: true }).fill("000104");
  await dialog.getByRole("button", { name: "Salvar 3 cheques" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("payment-row")).toHaveCount(3);
  const saved = await payments(request, c.id);
  expect(saved.map((p) => p.cheque?.cheque_number).sort()).toEqual(["000101", "000103", "000104"]);
  expect(saved.every((p) => p.cheque?.issuer_name === "Padaria Pão Quente Ltda")).toBe(true);
});

test("Load more brings the next 20 payments", async ({ page, request }) => {
  const { today } = await businessDays(request);
  const c = await newCustomer(request, `Muitos Recebimentos ${unique()}`);
  for (let i = 1; i <= 23; i++) {
    await pay(request, c.id, { method: "CASH", amount: `${i}.00`, received_on: today });
  }
  await loginAt(page, `/customers/${c.id}/payments`);
  const rows = page.getByTestId("payment-row");
  await expect(rows).toHaveCount(20);
  // Newest first.
  await expect(rows.first()).toContainText("R$ 23,00");
  await page.getByRole("button", { name: "Carregar mais" }).click();
  await expect(rows).toHaveCount(23);
  await expect(rows.last()).toContainText("R$ 1,00");
  await expect(page.getByRole("button", { name: "Carregar mais" })).toHaveCount(0);
});

test("offline: nothing is posted and the form survives", async ({ page, context, request }) => {
  const c = await newCustomer(request, `Sem Rede ${unique()}`);
  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  const dialog = await openNewPayment(page);
  await dialog.getByLabel(/^Valor/).fill("77,70");
  await dialog.getByLabel(/^Observações/).fill("pago no balcão");
  let posted = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().includes("/payments")) posted += 1;
  });
  await context.setOffline(true);
  await expect(dialog.getByTestId("payment-offline")).toBeVisible();
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await expect(dialog.getByTestId("payment-not-sent")).toContainText("NÃO foi enviado");
  await dialogShot(page, "payments-modal-offline");
  expect(posted).toBe(0);
  expect(await payments(request, c.id)).toHaveLength(0);
  await expect(dialog.getByLabel(/^Valor/)).toHaveValue("77,70");
  await expect(dialog.getByLabel(/^Observações/)).toHaveValue("pago no balcão");

  await context.setOffline(false);
  await dialog.getByRole("button", { name: "Tentar de novo" }).click();
  await expect(dialog).toBeHidden();
  const saved = await payments(request, c.id);
  expect(saved).toHaveLength(1);
  expect(saved[0]!.amount).toBe("77.70");
});

test("an answer lost after the server recorded the payment is retried with the same key: one payment", async ({
  page,
  request,
}) => {
  const c = await newCustomer(request, `Resposta Perdida ${unique()}`);
  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  const dialog = await openNewPayment(page);
  await dialog.getByLabel(/^Valor/).fill("250");
  const keys: string[] = [];
  let dropped = false;
  await page.route(`**/api/v1/customers/${c.id}/payments`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    keys.push(route.request().headers()["idempotency-key"] ?? "");
    if (!dropped) {
      dropped = true;
      // The server handles the request; its answer never reaches the browser.
      const answer = await route.fetch();
      expect(answer.status()).toBe(201);
      await route.abort("connectionreset");
      return;
    }
    await route.continue();
  });
  await dialog.getByRole("button", { name: "Salvar" }).click();
  await expect(dialog.getByTestId("payment-lost")).toBeVisible();
  // The automatic retry settles it without a second payment.
  await expect(dialog).toBeHidden({ timeout: 10_000 });
  expect(keys.length).toBeGreaterThanOrEqual(2);
  expect(new Set(keys).size).toBe(1);
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  const saved = await payments(request, c.id);
  expect(saved).toHaveLength(1);
  expect(saved[0]!.amount).toBe("250.00");
  await expect(page.getByTestId("payment-row")).toHaveCount(1);
});

test("in English: the tab and the batch modal", async ({ page, request }) => {
  const { yesterday } = await businessDays(request);
  const c = await newCustomer(request, `English Payments ${unique()}`);
  await pay(request, c.id, {
    method: "BOLETO",
    amount: "1234.56",
    due_date: yesterday,
    received_on: null,
  });
  await loginAt(page, `/customers/${c.id}/payments`);
  await page.locator("label", { hasText: /^EN$/ }).click();
  await expect(page.getByRole("button", { name: "Add payment" })).toBeVisible();
  await expect(page.locator("[data-tone=overdue]")).toContainText("overdue");
  await expect(page.getByTestId("payment-row")).toContainText("R$1,234.56");
  const dialog = await (async () => {
    await page.getByRole("button", { name: "Add payment" }).click();
    return modal(page);
  })();
  await dialog.getByRole("combobox", { name: /^Payment method/ }).click();
  await page.getByRole("option", { name: "Cheque" }).click();
  await expect(dialog.getByTestId("cheque-batch")).toContainText("Pre-dated to");
  await expect(dialog.getByRole("button", { name: "Save 1 cheque" })).toBeVisible();
  await dialogShot(page, "payments-modal-batch-en");
  expect(await seriousViolations(page)).toEqual([]);
});

test("a clerk reads a colleague's cheque without being offered to change it", async ({
  page,
  request,
}) => {
  const { today } = await businessDays(request);
  const c = await newCustomer(request, `Cheque Colega ${unique()}`);
  await pay(
    request,
    c.id,
    {
      method: "CHEQUE",
      amount: "45.00",
      received_on: today,
      cheque: {
        predated_to: today,
        issuer_tax_id: "52998224725",
        issuer_name: "Marta Souza",
        bank: "001",
        branch: "3210",
        account: "12345-6",
        cheque_number: `8${unique()}`,
      },
    },
    MANAGER,
  );
  await loginAt(page, `/customers/${c.id}/payments`, CLERK);
  await page.getByRole("button", { name: /Cheque .*abrir/ }).click();
  const dialog = page.getByRole("dialog", { name: "Recebimento" });
  await expect(dialog.getByLabel(/^Emitente/)).toHaveValue("Marta Souza");
  await expect(dialog.getByLabel(/^Emitente/)).toBeDisabled();
  await expect(dialog.getByLabel(/^Valor/)).toBeDisabled();
  await expect(dialog).toContainText("Somente leitura");
  await expect(dialog.getByRole("button", { name: "Salvar" })).toHaveCount(0);
});
