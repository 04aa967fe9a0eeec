import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { CLERK, expect, loginAt, OWNER, shot, test, tokenFor } from "./fixtures";

/** A bearer token for API calls the test makes itself (setting up records, reading them back). */
interface Customer {
  id: number;
  number: number;
  name: string;
  contact: string | null;
  city: string | null;
  email: string | null;
  phone: string | null;
  active: boolean;
  credit_limit: string | null;
}

async function newCustomer(request: APIRequestContext, body: Record<string, unknown>, who = OWNER) {
  const token = await tokenFor(request, who);
  const response = await request.post("/api/v1/customers", {
    headers: { Authorization: `Bearer ${token}` },
    data: body,
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as Customer;
}

async function readCustomer(request: APIRequestContext, id: number): Promise<Customer> {
  const token = await tokenFor(request);
  const response = await request.get(`/api/v1/customers/${id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return (await response.json()) as Customer;
}

async function seriousViolations(page: Page): Promise<string[]> {
  return (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** A dialog over the page: the viewport as the clerk sees it (a full-page capture misplaces the
 * fixed overlay). */
async function dialogShot(page: Page, name: string): Promise<void> {
  // After the dialog's fade-in, not in the middle of it.
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== "running"),
  );
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

const unique = () => `${Date.now() % 1_000_000}`;
/** A form control by its label (a required field's label ends in an asterisk). */
const field = (page: Page, label: string) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}( \\*)?$`));

test("the empty state, then a customer's header and Details", async ({ page, request }) => {
  const c = await newCustomer(request, {
    name: `Lúcia Ferreira ${unique()}`,
    phone: "31988887777",
    email: "lucia@example.com",
    city: "Belo Horizonte",
    state: "MG",
    postal_code: "30130-010",
    credit_limit: "1500.00",
  });
  await loginAt(page, "/customers");
  await expect(page.getByTestId("customer-empty")).toContainText("Nenhum cliente selecionado");
  await shot(page, "details-empty-state");

  await page.goto(`/customers/${c.id}/details`);
  const header = page.getByTestId("customer-header");
  await expect(header.getByRole("heading", { name: c.name })).toBeVisible();
  await expect(header).toContainText(`Nº ${c.number}`);
  await expect(page.getByTestId("header-available-credit")).toContainText("R$");
  await expect(field(page, "Telefone")).toHaveValue("(31) 98888-7777");
  await expect(field(page, "CEP")).toHaveValue("30130-010");
  await expect(field(page, "Limite de crédito")).toHaveValue("1.500,00");
  await expect(page.getByTestId("audit-table")).toContainText("Cadastro");
  await shot(page, "details-customer");
});

test("a new customer is checked for duplicates before the first save", async ({
  page,
  request,
}) => {
  const existing = await newCustomer(request, {
    name: `Rogério Andrade ${unique()}`,
    phone: "(31) 97777-6666",
  });
  await loginAt(page, "/customers/new");
  await expect(page.getByRole("heading", { name: "Novo cliente" })).toBeVisible();
  await field(page, "Nome").fill(existing.name);
  await field(page, "Telefone").fill("31977776666");
  await expect(field(page, "Telefone")).toHaveValue("(31) 97777-6666");
  await page.getByRole("button", { name: "Cadastrar cliente" }).click();

  const dialog = page.getByRole("dialog", { name: "Possíveis duplicados" });
  await expect(dialog).toBeVisible();
  const link = dialog.getByRole("link", { name: new RegExp(existing.name) });
  await expect(link).toHaveAttribute("href", `/customers/${existing.id}/details`);
  await expect(dialog).toContainText("mesmo telefone");
  await dialogShot(page, "details-new-duplicate-warning");
  expect(await seriousViolations(page)).toEqual([]);

  await dialog.getByRole("button", { name: "Cadastrar mesmo assim" }).click();
  await expect(page).toHaveURL(/\/customers\/\d+\/details$/);
  const id = Number(/customers\/(\d+)/.exec(page.url())![1]);
  expect(id).not.toBe(existing.id);
  await expect(page.getByTestId("customer-header").getByRole("heading")).toHaveText(existing.name);
});

test("a client-side check stops a bad CPF before anything is sent", async ({ page }) => {
  await loginAt(page, "/customers/new");
  await field(page, "Nome").fill(`Teste CPF ${unique()}`);
  await field(page, "CPF/CNPJ").fill("11111111111");
  await expect(field(page, "CPF/CNPJ")).toHaveValue("111.111.111-11");
  let posted = false;
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/v1/customers")) posted = true;
  });
  await page.getByRole("button", { name: "Cadastrar cliente" }).click();
  await expect(page.getByText("CPF/CNPJ inválido: confira os dígitos.")).toBeVisible();
  expect(posted).toBe(false);
});

test("a concurrent edit ends in the 412 dialog and nothing typed is lost", async ({
  page,
  browser,
  request,
}) => {
  const c = await newCustomer(request, { name: `Conflito ${unique()}`, city: "Contagem" });
  await loginAt(page, `/customers/${c.id}/details`);
  await field(page, "Contato").fill("Ana Paula");
  await field(page, "Observações").fill("Prefere receber por PIX");

  const other = await browser.newContext({
    locale: "pt-BR",
    viewport: { width: 1280, height: 800 },
  });
  const second = await other.newPage();
  await loginAt(second, `/customers/${c.id}/details`);
  await field(second, "Cidade").fill("Betim");
  await second.getByRole("button", { name: "Salvar", exact: true }).click();
  await expect(second.getByText("Cliente salvo.")).toBeVisible();
  await other.close();

  await page.keyboard.press("Control+s");
  const dialog = page.getByRole("dialog", { name: "Alterado por outra pessoa" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("conflict-table")).toContainText("Ana Paula");
  await expect(dialog.getByTestId("conflict-table")).toContainText("Prefere receber por PIX");
  // What the other clerk saved is shown too.
  await expect(dialog.getByTestId("conflict-table")).toContainText("Betim");
  await dialogShot(page, "details-412-dialog");
  // Behind the dialog the form still holds what was typed.
  await expect(field(page, "Contato")).toHaveValue("Ana Paula");

  await dialog.getByRole("button", { name: "Aplicar minhas alterações e salvar" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Cliente salvo.")).toBeVisible();
  await expect(field(page, "Cidade")).toHaveValue("Betim");
  const saved = await readCustomer(request, c.id);
  expect(saved.contact).toBe("Ana Paula");
  expect(saved.city).toBe("Betim");
});

test("a clerk cannot change the credit limit, not even with a crafted request", async ({
  page,
  request,
}) => {
  const c = await newCustomer(request, { name: `Balcão ${unique()}` }, CLERK);
  await loginAt(page, `/customers/${c.id}/details`, CLERK);
  await expect(field(page, "Limite de crédito")).toBeDisabled();
  await expect(page.getByRole("switch", { name: "Bloqueado" })).toBeDisabled();
  await expect(page.getByRole("switch", { name: "Ativo" })).toBeEnabled();
  await page.getByLabel("Limite de crédito", { exact: true }).hover({ force: true });
  await expect(page.getByText("Só quem gerencia crédito e vendas")).toBeVisible();
  await expect(page.getByTestId("audit-table")).toHaveCount(0);
  await shot(page, "details-clerk-view");

  await page.route(`**/api/v1/customers/${c.id}`, async (route) => {
    if (route.request().method() !== "PATCH") return route.continue();
    const body = { ...(route.request().postDataJSON() as object), credit_limit: "5000.00" };
    await route.continue({ postData: JSON.stringify(body) });
  });
  await field(page, "Contato").fill("Seu Jorge");
  await page.getByRole("button", { name: "Salvar", exact: true }).click();
  const problem = page.getByTestId("save-problem");
  await expect(problem).toContainText("gerenciar crédito e vendas");
  await expect(problem).toContainText("sales:manage");
  expect((await readCustomer(request, c.id)).credit_limit).toBeNull();
  await expect(field(page, "Contato")).toHaveValue("Seu Jorge");
});

test("a field the server refuses shows its message on the field", async ({ page, request }) => {
  const c = await newCustomer(request, { name: `E-mail ${unique()}` });
  await loginAt(page, `/customers/${c.id}/details`);
  // Passes the form's plain shape check; the server refuses the top-level domain.
  await field(page, "E-mail").fill("maria@exemplo.c0m");
  await page.getByRole("button", { name: "Salvar", exact: true }).click();
  await expect(field(page, "E-mail")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("save-problem")).toContainText("Verifique os campos destacados");
  await expect(page.getByText("not a valid e-mail address")).toBeVisible();
  expect((await readCustomer(request, c.id)).email).toBeNull();
});

test("deactivate asks first and the header says INACTIVE", async ({ page, request }) => {
  const c = await newCustomer(request, { name: `Desativar ${unique()}` });
  await loginAt(page, `/customers/${c.id}/details`);
  await page.getByRole("button", { name: "Desativar" }).click();
  const dialog = page.getByRole("dialog", { name: "Desativar cliente" });
  await expect(dialog).toContainText(c.name);
  await dialog.getByRole("button", { name: "Desativar" }).click();
  await expect(page.getByTestId("customer-header")).toContainText("INATIVO");
  await expect(page.getByRole("switch", { name: "Ativo" })).not.toBeChecked();
  expect((await readCustomer(request, c.id)).active).toBe(false);
});

test("delete is offered only to a customer without any payment or order", async ({
  page,
  request,
}) => {
  const token = await tokenFor(request);
  const quoted = await newCustomer(request, { name: `Orçamento ${unique()}` });
  const quote = await request.post("/api/v1/orders", {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      customer_id: quoted.id,
      kind: "quote",
      delivery_type: "unspecified",
      total: "150.00",
      payment_terms: "cash",
    },
  });
  expect(quote.status()).toBe(201);
  // No purchases and no balance, but a quote: the API would refuse, so only Deactivate.
  await loginAt(page, `/customers/${quoted.id}/details`);
  await expect(page.getByRole("button", { name: "Desativar" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Excluir" })).toHaveCount(0);

  const fresh = await newCustomer(request, { name: `Excluir ${unique()}` });
  await page.goto(`/customers/${fresh.id}/details`);
  await page.getByRole("button", { name: "Excluir" }).click();
  const dialog = page.getByRole("dialog", { name: "Excluir cliente" });
  await expect(dialog).toContainText(fresh.name);
  await dialog.getByRole("button", { name: "Excluir" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  const gone = await request.get(`/api/v1/customers/${fresh.id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(gone.status()).toBe(404);
});

test("leaving with unsaved changes asks first", async ({ page, request }) => {
  const c = await newCustomer(request, { name: `Sair ${unique()}` });
  await loginAt(page, `/customers/${c.id}/details`);
  await field(page, "Cidade").fill("Sabará");
  await page.getByRole("tab", { name: "Saldo" }).click();
  const dialog = page.getByRole("dialog", { name: "Sair sem salvar?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Continuar editando" }).click();
  await expect(page).toHaveURL(`/customers/${c.id}/details`);
  await expect(field(page, "Cidade")).toHaveValue("Sabará");
});

test("the screen switches between pt-BR and English", async ({ page, request }) => {
  const c = await newCustomer(request, { name: `Idioma ${unique()}` });
  await loginAt(page, `/customers/${c.id}/details`);
  await expect(page.getByRole("tab", { name: "Dados" })).toBeVisible();
  await expect(field(page, "Nome")).toBeVisible();
  await page.getByText("EN", { exact: true }).click();
  await expect(page.getByRole("tab", { name: "Details" })).toBeVisible();
  await expect(field(page, "Name")).toHaveValue(c.name);
  await expect(page.getByRole("button", { name: "Deactivate" })).toBeVisible();
  await shot(page, "details-customer-en");
  await page.getByText("PT", { exact: true }).click();
  await expect(field(page, "Nome")).toHaveValue(c.name);
});

test("the Details tab has no serious accessibility violations", async ({ page, request }) => {
  const c = await newCustomer(request, { name: `Acessível ${unique()}`, credit_limit: "100.00" });
  await loginAt(page, `/customers/${c.id}/details`);
  await expect(field(page, "Nome")).toHaveValue(c.name);
  expect(await seriousViolations(page)).toEqual([]);
});

test("a merged-away customer says so and links to the survivor", async ({ page, request }) => {
  const survivor = await newCustomer(request, { name: `Sobrevivente ${unique()}` });
  const source = await newCustomer(request, { name: `Duplicado ${unique()}` });
  const token = await tokenFor(request);
  const merged = await request.post(`/api/v1/customers/${survivor.id}/merge`, {
    headers: { Authorization: `Bearer ${token}`, "Idempotency-Key": `merge-${source.id}` },
    data: { source_id: source.id },
  });
  expect(merged.ok(), await merged.text()).toBe(true);
  await loginAt(page, `/customers/${source.id}/details`);
  const message = page.getByTestId("customer-merged");
  await expect(message).toContainText("Este cliente foi unificado com outro");
  await message.getByRole("link", { name: new RegExp(survivor.name) }).click();
  await expect(page).toHaveURL(`/customers/${survivor.id}/details`);
  await expect(page.getByTestId("customer-header")).toContainText(survivor.name);
});

test("blocking, the state and Invoice Scheduling are saved", async ({ page, request }) => {
  const c = await newCustomer(request, { name: `Agenda ${unique()}` });
  await loginAt(page, `/customers/${c.id}/details`);
  await page.getByRole("switch", { name: "Bloqueado" }).check();
  await page.getByRole("combobox", { name: "UF" }).click();
  await page.getByRole("option", { name: "SP", exact: true }).click();
  await page.getByRole("button", { name: /Agendamento de cobrança/ }).click();
  await field(page, "Próxima cobrança").fill("2027-01-15");
  await field(page, "Instruções").fill("Cobrar no dia 15");
  await page.getByRole("button", { name: "Salvar", exact: true }).click();
  await expect(page.getByText("Cliente salvo.")).toBeVisible();
  await expect(page.getByTestId("customer-header")).toContainText("BLOQUEADO");
  await expect(page.getByTestId("customer-header")).not.toContainText("INATIVO");
  const token = await tokenFor(request);
  const saved = (await (
    await request.get(`/api/v1/customers/${c.id}`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json()) as Record<string, unknown>;
  expect(saved).toMatchObject({
    blocked: true,
    active: true,
    state: "SP",
    next_invoice_date: "2027-01-15",
    billing_instructions: "Cobrar no dia 15",
  });
});
