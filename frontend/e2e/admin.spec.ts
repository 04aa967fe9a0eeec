import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { CLERK, expect, login, loginAt, OWNER, shot as fullShot, test } from "./fixtures";

/**
 * Administration against the real server and the demo business: users (a created user signs
 * in, a reset password replaces the old one, the last owner cannot be deactivated), API clients
 * (the secret shown once gets a token through the client-credentials grant; revoking stops it),
 * stores (create, rename, a taken code on its field), and a clerk kept out.
 */

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

function clientToken(request: APIRequestContext, clientId: string, secret: string) {
  return request.post("/api/v1/auth/token", {
    form: { grant_type: "client_credentials", client_id: clientId, client_secret: secret },
  });
}

const unique = () => Date.now().toString(36);

test("the owner creates a user, who then signs in; a reset password replaces the old one", async ({
  page,
  browser,
  request,
}) => {
  // Several password hashes (Argon2) on a shared machine: more than the default 30 s.
  test.setTimeout(90_000);
  const username = `caixa.${unique()}`;
  await loginAt(page, "/admin/users");
  await expect(page.getByRole("table", { name: "Usuários" })).toBeVisible();
  await axe(page);
  await shot(page, "admin-users");

  await page.getByRole("button", { name: "Novo usuário" }).click();
  const dialog = page.getByRole("dialog", { name: "Novo usuário" });
  await dialog.getByLabel("Usuário").fill(username);
  await dialog.getByLabel("Nome").fill("Beatriz Caixa Nova");
  await dialog.getByLabel("Senha").fill("senha-inicial-1");
  await dialog.getByRole("combobox", { name: "Função" }).click();
  await page.getByRole("option", { name: "Gerente" }).click();
  await dialog.getByRole("combobox", { name: "Loja" }).click();
  await page.getByRole("option", { name: /^CENTRO/ }).click();
  await axe(page);
  await shot(page, "admin-users-create");
  await dialog.getByRole("button", { name: "Criar usuário" }).click();
  await expect(dialog).toBeHidden();
  const row = page.locator(`tr[data-username="${username}"]`);
  await expect(row).toContainText("Beatriz Caixa Nova");
  await expect(row).toContainText("Gerente");
  await expect(row).toContainText("CENTRO");

  // The new user signs in, in a browser of their own.
  const other = await browser.newContext();
  const theirs = await other.newPage();
  await loginAt(theirs, "/customers", { username, password: "senha-inicial-1" });
  await expect(theirs.getByTestId("current-user")).toContainText("Beatriz Caixa Nova");
  await expect(theirs.getByTestId("current-user")).toContainText("Gerente · Loja Centro");
  await other.close();

  // Reset: the new password works, the old one no longer does.
  await row.getByRole("button", { name: "Redefinir senha" }).click();
  const reset = page.getByRole("dialog", { name: `Redefinir a senha de ${username}` });
  await reset.getByLabel("Nova senha").fill("senha-trocada-2");
  await reset.getByRole("button", { name: "Redefinir senha" }).click();
  await expect(reset).toBeHidden();
  const token = (password: string) =>
    request.post("/api/v1/auth/token", { form: { grant_type: "password", username, password } });
  expect((await token("senha-inicial-1")).status()).toBe(401);
  expect((await token("senha-trocada-2")).status()).toBe(200);

  // Deactivate: the user can no longer get a token.
  await row.getByRole("button", { name: "Desativar" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Desativar" }).click();
  await expect(row).toContainText("Inativo");
  expect((await token("senha-trocada-2")).status()).toBe(401);
});

test("server refusals land on the fields and in words", async ({ page }) => {
  await loginAt(page, "/admin/users");
  await page.getByRole("button", { name: "Novo usuário" }).click();
  const dialog = page.getByRole("dialog", { name: "Novo usuário" });
  // A taken username (409 username-taken) lands on the username field.
  await dialog.getByLabel("Usuário").fill(CLERK.username);
  await dialog.getByLabel("Senha").fill("qualquer-senha-1");
  await dialog.getByRole("button", { name: "Criar usuário" }).click();
  await expect(dialog.getByText("Este nome de usuário já está em uso.")).toBeVisible();
  await expect(dialog.getByLabel("Usuário")).toHaveAttribute("aria-invalid", "true");
  // Characters the server refuses (422) come back on the same field, with the server's words.
  await dialog.getByLabel("Usuário").fill("nome com espaço");
  await dialog.getByRole("button", { name: "Criar usuário" }).click();
  await expect(dialog.getByText("Verifique os campos destacados.")).toBeVisible();
  await expect(dialog.getByText("Use só letras sem acento, números e . _ @ -")).toBeVisible();
  await expect(dialog.getByLabel("Usuário")).toHaveAttribute("aria-invalid", "true");
  await shot(page, "admin-users-refused");
  await dialog.getByRole("button", { name: "Cancelar" }).click();

  // The last owner cannot be deactivated: the 409 in words, and the owner stays active.
  const owner = page.locator(`tr[data-username="${OWNER.username}"]`);
  await owner.getByRole("button", { name: "Desativar" }).click();
  const confirm = page.getByRole("dialog", { name: "Desativar usuário" });
  await confirm.getByRole("button", { name: "Desativar" }).click();
  await expect(confirm.getByRole("alert")).toContainText("último proprietário ativo");
  await shot(page, "admin-users-last-owner");
  await confirm.getByRole("button", { name: "Cancelar" }).click();
  await expect(owner).toContainText("Ativo");
});

test("an API client's secret, shown once, gets a token; revoking it stops the next one", async ({
  page,
  request,
}) => {
  const name = `Caixa 9 — ${unique()}`;
  await loginAt(page, "/admin/api-clients");
  await expect(page.getByRole("table", { name: "Credenciais de API" })).toBeVisible();
  await axe(page);
  await shot(page, "admin-api-clients");

  await page.getByRole("button", { name: "Nova credencial de API" }).click();
  const dialog = page.getByRole("dialog", { name: "Nova credencial de API" });
  await dialog.getByLabel("Nome").fill(name);
  await dialog.getByRole("button", { name: "Criar e mostrar o segredo" }).click();
  const shown = page.getByTestId("client-secret");
  await expect(shown).toBeVisible();
  const clientId = (await shown.locator("[data-field=client_id]").innerText()).trim();
  const secret = (await shown.locator("[data-field=client_secret]").innerText()).trim();
  expect(secret.length).toBeGreaterThan(20);
  await expect(shown.getByRole("button", { name: "Copiar segredo" })).toBeVisible();
  await axe(page);
  await shot(page, "admin-api-clients-secret");

  const granted = await clientToken(request, clientId, secret);
  expect(granted.status()).toBe(200);
  const body = (await granted.json()) as { access_token: string; token_type: string };
  expect(body.token_type).toBe("bearer");
  const me = await request.get("/api/v1/auth/me", {
    headers: { Authorization: `Bearer ${body.access_token}` },
  });
  expect(((await me.json()) as { kind: string }).kind).toBe("api_client");

  // Closed, the secret is gone from the page for good.
  await shown.getByRole("button", { name: "Já copiei, fechar" }).click();
  await expect(page.getByText(secret)).toHaveCount(0);
  const row = page.locator(`tr[data-client-id="${clientId}"]`);
  await expect(row).toContainText(name);
  await expect(row).toContainText("Ativo");

  await row.getByRole("button", { name: "Revogar" }).click();
  await page
    .getByRole("dialog", { name: "Revogar credencial de API" })
    .getByRole("button", { name: "Revogar" })
    .click();
  await expect(row).toContainText("Revogado");
  const refused = await clientToken(request, clientId, secret);
  expect(refused.ok()).toBe(false);
  expect(refused.status()).toBe(401);
  // And the token issued before the revocation stops at once too.
  const after = await request.get("/api/v1/auth/me", {
    headers: { Authorization: `Bearer ${body.access_token}` },
  });
  expect(after.status()).toBe(401);
});

test("stores: create with its quick-sale customer, rename, a taken code on its field", async ({
  page,
}) => {
  const code = `N${unique().slice(-6).toUpperCase()}`;
  await loginAt(page, "/admin/stores");
  await expect(page.locator("tr[data-store-code=MAIN] [data-quick-sale]")).toContainText(/\d/);
  await axe(page);
  await shot(page, "admin-stores");

  await page.getByRole("button", { name: "Nova loja" }).click();
  let dialog = page.getByRole("dialog", { name: "Nova loja" });
  await dialog.getByLabel("Código").fill("CENTRO");
  await dialog.getByLabel("Nome").fill("Outra Centro");
  await dialog.getByRole("button", { name: "Criar loja" }).click();
  await expect(dialog.getByText("Já existe uma loja com este código.")).toBeVisible();
  await expect(dialog.getByLabel("Código")).toHaveAttribute("aria-invalid", "true");
  await dialog.getByLabel("Código").fill(code);
  await dialog.getByLabel("Nome").fill("Loja Norte — Ribeirão Preto");
  await dialog.getByRole("button", { name: "Criar loja" }).click();
  await expect(dialog).toBeHidden();
  const row = page.locator(`tr[data-store-code="${code}"]`);
  await expect(row).toContainText("Loja Norte — Ribeirão Preto");
  await expect(row.locator("[data-quick-sale]")).toContainText(/\d/);

  await row.getByRole("button", { name: "Renomear" }).click();
  dialog = page.getByRole("dialog", { name: `Renomear a loja ${code}` });
  await dialog.getByLabel("Nome").fill("Loja Norte — Ribeirão");
  await dialog.getByRole("button", { name: "Salvar nome" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("Loja Norte — Ribeirão");
  await expect(row).not.toContainText("Preto");
});

test("a clerk sees no Administration menu and gets the 403 in words on a crafted URL", async ({
  page,
}) => {
  await loginAt(page, "/customers", CLERK);
  await expect(page.getByRole("link", { name: /^Clientes/ })).toBeVisible();
  await expect(page.getByText("Administração")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Usuários" })).toHaveCount(0);
  for (const path of ["/admin/users", "/admin/api-clients"]) {
    await page.goto(path);
    await expect(page.getByRole("alert")).toContainText(
      "Você não tem permissão para isso: falta a permissão “proprietário”.",
    );
    await expect(page.getByRole("table")).toHaveCount(0);
  }
  await shot(page, "admin-clerk-403");
  // The stores are readable by everyone, but a clerk is offered no way to change them.
  await page.goto("/admin/stores");
  await expect(page.locator("tr[data-store-code=MAIN]")).toBeVisible();
  await expect(page.getByRole("button", { name: "Nova loja" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Renomear" })).toHaveCount(0);
});

test("the owner's menu holds Receivables and the three Administration pages", async ({ page }) => {
  await page.goto("/customers");
  await login(page, OWNER);
  const nav = page.getByRole("navigation");
  await expect(nav.getByText("Administração")).toBeVisible();
  for (const [name, url] of [
    ["Usuários", "/admin/users"],
    ["Credenciais de API", "/admin/api-clients"],
    ["Lojas", "/admin/stores"],
    ["Contas a receber", "/receivables/ageing"],
  ] as const) {
    await nav.getByRole("link", { name }).click();
    await expect(page).toHaveURL(url);
  }
});
