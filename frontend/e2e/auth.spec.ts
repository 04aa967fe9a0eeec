import { CLERK, expect, login, loginAt, OWNER, shot, test } from "./fixtures";

test("a wrong password shows the refusal; the right one opens Customers", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Entrar" })).toBeVisible();
  await shot(page, "login");

  await login(page, { username: OWNER.username, password: "not-the-password" });
  await expect(page.getByTestId("login-error")).toHaveText("Usuário ou senha incorretos.");
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, "login-wrong-password");

  await login(page, OWNER);
  await expect(page).toHaveURL("/customers");
  await expect(page.getByTestId("current-user")).toContainText("Demo Owner");
  await expect(page.getByTestId("current-user")).toContainText("Proprietário");
  await shot(page, "customers-shell");
});

test("repeated wrong passwords are throttled with a countdown", async ({ page }) => {
  // auth/service.py: five free failures, then 15 s, doubling; a throttled login answers 429.
  const who = { username: "manager-main", password: "wrong" };
  await page.goto("/login");
  for (let i = 0; i < 5; i++) {
    await login(page, who);
    await expect(page.getByTestId("login-error")).toHaveText("Usuário ou senha incorretos.");
  }
  await login(page, who);
  const error = page.getByTestId("login-error");
  await expect(error).toHaveText(/Muitas tentativas erradas\. Tente de novo em \d+ s\./);
  const first = Number(/em (\d+) s/.exec((await error.textContent()) ?? "")![1]);
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(15 * 60);
  await expect(page.getByRole("button", { name: "Entrar" })).toBeDisabled();
  await shot(page, "login-throttled");
  await expect(error).not.toHaveText(`Muitas tentativas erradas. Tente de novo em ${first} s.`, {
    timeout: 3_000,
  });
});

test("an expired session goes to login and then back to the same page", async ({ page }) => {
  await loginAt(page, "/customers/3/payments");
  await expect(page.getByRole("tab", { name: "Recebimentos" })).toHaveAttribute(
    "aria-selected",
    "true",
  );

  // A token the server no longer accepts.
  await page.evaluate(() => sessionStorage.setItem("custledger.token", "expired.or.tampered"));
  await page.reload();
  await expect(page).toHaveURL("/login?next=%2Fcustomers%2F3%2Fpayments");
  await expect(page.getByText("Sua sessão expirou.", { exact: false })).toBeVisible();
  await login(page, OWNER);
  await expect(page).toHaveURL("/customers/3/payments");

  // No token at all.
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await expect(page).toHaveURL("/login?next=%2Fcustomers%2F3%2Fpayments");
  await login(page, OWNER);
  await expect(page).toHaveURL("/customers/3/payments");
});

test("a 401 on a request while working returns to login and back", async ({ page }) => {
  await loginAt(page, "/customers/5/details");
  await page.evaluate(() => sessionStorage.setItem("custledger.token", "expired.or.tampered"));
  // The in-memory token is still valid; tamper it through a fresh load, then act.
  await page.reload();
  await expect(page).toHaveURL(/\/login\?next=/);
  await login(page, OWNER);
  await expect(page).toHaveURL("/customers/5/details");
});

test("logout clears the session and the next visit asks to log in", async ({ page }) => {
  await loginAt(page, "/customers", CLERK);
  await expect(page.getByTestId("current-user")).toContainText("Caixa");
  await page.getByRole("button", { name: "Sair" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await page.evaluate(() => sessionStorage.getItem("custledger.token"))).toBeNull();
  await page.goto("/customers");
  await expect(page).toHaveURL("/login?next=%2Fcustomers");
});
