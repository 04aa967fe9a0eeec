import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, loginAt, shot, test, tokenFor, MANAGER } from "./fixtures";

/** The Merge tab against the seeded demo business (its duplicates were typed twice at a till). */

const DUPLICATE_NOTE = "Cadastro feito às pressas no caixa.";

interface Customer {
  id: number;
  number: number;
  name: string;
  phone: string | null;
  notes: string | null;
  balance: string;
  total_purchases: string;
}
interface Entry {
  date: string;
  type: string;
  reference: number;
  debit: string | null;
  credit: string | null;
  balance: string | null;
}
interface StatementPage {
  entries: Entry[];
  next_cursor: string | null;
}

async function get<T>(request: APIRequestContext, token: string, url: string): Promise<T> {
  const response = await request.get(url, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok(), `${url}: ${response.status()}`).toBe(true);
  return (await response.json()) as T;
}

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();

/** Demo duplicate pairs (original, twin), both with purchases: the twin carries the seed's note. */
async function duplicatePairs(request: APIRequestContext): Promise<[Customer, Customer][]> {
  const token = await tokenFor(request);
  const all: Customer[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/customers?limit=200${cursor ? `&cursor=${cursor}` : ""}`;
    const page = await get<{ items: Customer[]; next_cursor: string | null }>(request, token, url);
    all.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  const pairs: [Customer, Customer][] = [];
  for (const twin of all.filter((c) => c.notes === DUPLICATE_NOTE)) {
    const original = all.find(
      (c) => c.id !== twin.id && fold(c.name) === fold(twin.name) && c.notes !== DUPLICATE_NOTE,
    );
    if (original && original.total_purchases !== "0.00" && twin.total_purchases !== "0.00") {
      pairs.push([original, twin]);
    }
  }
  expect(pairs.length, "demo pairs with history on both sides").toBeGreaterThan(1);
  return pairs;
}

/** The whole statement, oldest first. */
async function statement(request: APIRequestContext, id: number): Promise<Entry[]> {
  const token = await tokenFor(request);
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/customers/${id}/statement?limit=50${cursor ? `&cursor=${cursor}` : ""}`;
    const page = await get<StatementPage>(request, token, url);
    entries.push(...page.entries);
    cursor = page.next_cursor;
  } while (cursor);
  return entries.reverse();
}

const cents = (v: string | null) => (v ? Math.round(Number(v) * 100) : 0);
const key = (e: Entry) => `${e.date}|${e.type}|${e.reference}|${e.debit}|${e.credit}`;

async function seriousViolations(page: Page): Promise<string[]> {
  return (await new AxeBuilder({ page }).include('[role="tabpanel"]').analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== "running"),
  );
}

/** A dialog over the page: the viewport as the owner sees it. */
async function dialogShot(page: Page, name: string): Promise<void> {
  await settled(page);
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

test("a manager sees no Merge tab, and a merge crafted with the manager's token is refused", async ({
  page,
  request,
}) => {
  const [original, twin] = (await duplicatePairs(request))[0]!;
  await loginAt(page, `/customers/${original.id}/details`, MANAGER);
  const tabs = page.getByRole("tablist", { name: "Seções do cliente" });
  await expect(tabs.getByRole("tab", { name: "Relatório" })).toBeVisible();
  await expect(tabs.getByRole("tab", { name: "Unificar" })).toHaveCount(0);
  // The tab's URL typed by hand shows Details, not the merge.
  await page.goto(`/customers/${original.id}/merge`);
  await expect(tabs.getByRole("tab", { name: "Dados" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("merge-tab")).toHaveCount(0);

  const token = await tokenFor(request, MANAGER);
  const headers = { Authorization: `Bearer ${token}` };
  const merge = await request.post(`/api/v1/customers/${original.id}/merge`, {
    headers,
    data: { source_id: twin.id },
  });
  expect(merge.status()).toBe(403);
  expect(merge.headers()["content-type"]).toContain("application/problem+json");
  const preview = await request.get(
    `/api/v1/customers/${original.id}/merge-preview?source_id=${twin.id}`,
    { headers },
  );
  expect(preview.status()).toBe(403);
  // Nothing changed: the duplicate is still there with its own balance.
  const still = await get<Customer>(request, token, `/api/v1/customers/${twin.id}`);
  expect(still.balance).toBe(twin.balance);
});

test("the owner merges two demo duplicates: the survivor holds both histories", async ({
  page,
  request,
}) => {
  const pairs = await duplicatePairs(request);
  // A pair with money on at least one side, so the merged balance is a real sum.
  const [survivor, duplicate] =
    pairs.find(([a, b]) => a.balance !== "0.00" || b.balance !== "0.00") ?? pairs.at(-1)!;
  const before = [await statement(request, survivor.id), await statement(request, duplicate.id)];
  const ownerToken = await tokenFor(request);
  const ordersBefore = await Promise.all(
    [survivor.id, duplicate.id].map(
      async (id) =>
        (
          await get<{ orders: { count: number } }>(
            request,
            ownerToken,
            `/api/v1/customers/${id}/report`,
          )
        ).orders.count,
    ),
  );

  await loginAt(page, `/customers/${survivor.id}/merge`);
  const tab = page.getByTestId("merge-tab");
  await expect(tab).toBeVisible();
  // The likely duplicates are offered at once; the owner still searches by name as the guide says.
  await expect(
    tab.getByTestId("merge-candidates").locator(`[data-customer-id="${duplicate.id}"]`),
  ).toBeVisible();
  await tab.getByLabel("Procurar a duplicata").fill(duplicate.name);
  await tab.getByLabel("Procurar a duplicata").press("Enter");
  await expect(tab.getByText(`Resultados para “${duplicate.name}”`)).toBeVisible();
  const row = tab.getByTestId("merge-candidates").locator(`[data-customer-id="${duplicate.id}"]`);
  await expect(
    tab.getByTestId("merge-candidates").locator(`[data-customer-id="${survivor.id}"]`),
  ).toHaveCount(0);
  await row.getByRole("button", { name: `Comparar ${duplicate.name} com este cliente` }).click();

  const compare = tab.getByTestId("merge-compare");
  await expect(compare.locator('[data-side="survivor"][data-field="number"]')).toHaveText(
    String(survivor.number),
  );
  await expect(compare.locator('[data-side="source"][data-field="number"]')).toHaveText(
    String(duplicate.number),
  );
  await expect(compare.locator('[data-side="source"][data-field="name"]')).toHaveText(
    duplicate.name,
  );
  const token = await tokenFor(request);
  const preview = await get<{ moves: Record<string, number>; survivor_balance_after: string }>(
    request,
    token,
    `/api/v1/customers/${survivor.id}/merge-preview?source_id=${duplicate.id}`,
  );
  const plural = (n: number, one: string, other: string) => `${n} ${n === 1 ? one : other}`;
  await expect(tab.getByTestId("merge-moves")).toHaveText(
    `Passam para este cliente: ${plural(preview.moves.payments!, "recebimento", "recebimentos")}, ` +
      `${plural(preview.moves.cheques!, "cheque", "cheques")}, ` +
      `${plural(preview.moves.orders!, "pedido", "pedidos")} e ` +
      `${plural(preview.moves.deliveries!, "entrega", "entregas")}.`,
  );
  expect(await seriousViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 1300 });
  await shot(page, "merge-preview");
  await page.setViewportSize({ width: 1280, height: 800 });

  await tab.getByTestId("merge-start").click();
  const dialog = page.getByRole("dialog", { name: "Unificar clientes" });
  await expect(dialog).toContainText("Esta operação não pode ser desfeita");
  const confirm = dialog.getByRole("button", { name: "Unificar definitivamente" });
  const input = dialog.getByLabel(
    `Para confirmar, digite o número da duplicata: ${duplicate.number}`,
  );
  await expect(confirm).toBeDisabled();
  await input.fill(String(survivor.number)); // the wrong customer's number
  await expect(confirm).toBeDisabled();
  await expect(dialog).toContainText("Não confere com a duplicata.");
  await input.press("Enter"); // refused without a request: the duplicate is still there
  expect(
    (
      await request.get(`/api/v1/customers/${duplicate.id}`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).status(),
  ).toBe(200);
  await input.fill(`#${duplicate.number}`);
  await expect(confirm).toBeEnabled();
  await settled(page);
  expect(
    await new AxeBuilder({ page })
      .include('[role="dialog"]')
      .analyze()
      .then((r) =>
        r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => v.id),
      ),
  ).toEqual([]);
  await dialogShot(page, "merge-confirm");
  await confirm.click();

  await expect(tab.getByTestId("merge-done")).toContainText(`#${duplicate.number}`);
  await expect(dialog).toHaveCount(0);
  // The header shows the merged balance without a reload.
  const expected = cents(survivor.balance) + cents(duplicate.balance);
  expect(cents(preview.survivor_balance_after)).toBe(expected);
  const header = page.getByTestId("header-balance");
  await expect
    .poll(async () => {
      const text = await header.innerText();
      const negative = /[-−]/.test(text);
      return (
        Math.round(Number(text.replace(/[^\d,]/g, "").replace(",", ".")) * 100) *
        (negative ? -1 : 1)
      );
    })
    .toBe(expected);
  await shot(page, "merge-done");

  // The duplicate is gone: from the API (merged into the survivor) and from the list's search.
  const gone = await request.get(`/api/v1/customers/${duplicate.id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(gone.status()).toBe(404);
  expect(((await gone.json()) as { type: string }).type).toContain("customer-merged");
  const search = page.locator("[data-customer-search]");
  await search.fill(fold(duplicate.name));
  const listbox = page.getByRole("listbox", { name: "Clientes" });
  await expect(listbox).toHaveAttribute("data-results-for", fold(duplicate.name));
  await expect(listbox.getByRole("option")).toHaveCount(1);
  await expect(listbox.getByRole("option").first()).toContainText(String(survivor.number));

  // The survivor's statement holds both histories, with running balances that add up.
  const after = await statement(request, survivor.id);
  expect(after.map(key).sort()).toEqual([...before[0]!, ...before[1]!].map(key).sort());
  let running = 0;
  for (const entry of after) {
    if (entry.balance === null) continue;
    running += cents(entry.credit) - cents(entry.debit);
    expect(cents(entry.balance), `${entry.date} ${entry.type} ${entry.reference}`).toBe(running);
  }
  expect(running).toBe(expected);

  // And its report counts the duplicate's orders too.
  await page.getByRole("tab", { name: "Relatório" }).click();
  await expect(page.getByTestId("report-orders")).toContainText(
    `Número de pedidos${ordersBefore[0]! + ordersBefore[1]!}`,
  );
});

test("an owner demoted while the Merge tab is open gets the 403 in words, and nothing is merged", async ({
  page,
  request,
}) => {
  const [survivor, duplicate] = (await duplicatePairs(request))[0]!;
  const ownerHeaders = { Authorization: `Bearer ${await tokenFor(request)}` };
  const second = { username: `owner-e2e-${Date.now() % 1_000_000}`, password: "second-owner-pass" };
  const created = await request.post("/api/v1/users", {
    headers: ownerHeaders,
    data: { ...second, role: "owner", name: "Segundo Dono" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const user = (await created.json()) as { id: number };

  await loginAt(page, `/customers/${survivor.id}/merge`, second);
  const tab = page.getByTestId("merge-tab");
  await tab.getByLabel("Procurar a duplicata").fill(String(duplicate.number));
  await tab.getByLabel("Procurar a duplicata").press("Enter");
  await tab
    .getByTestId("merge-candidates")
    .locator(`[data-customer-id="${duplicate.id}"]`)
    .getByRole("button")
    .click();
  await expect(tab.getByTestId("merge-compare")).toBeVisible();
  await tab.getByTestId("merge-start").click();
  const dialog = page.getByRole("dialog", { name: "Unificar clientes" });
  await dialog.getByRole("textbox").fill(String(duplicate.number));

  // Someone takes the owner permission away meanwhile; the screen still shows the tab.
  const demoted = await request.patch(`/api/v1/users/${user.id}`, {
    headers: ownerHeaders,
    data: { role: "manager" },
  });
  expect(demoted.status(), await demoted.text()).toBe(200);
  await dialog.getByRole("button", { name: "Unificar definitivamente" }).click();
  await expect(dialog.getByTestId("merge-error")).toHaveText(
    "Você não tem permissão para isso: falta a permissão “proprietário”.",
  );
  await dialogShot(page, "merge-forbidden");
  const still = await request.get(`/api/v1/customers/${duplicate.id}`, { headers: ownerHeaders });
  expect(still.status()).toBe(200);
  expect(((await still.json()) as Customer).balance).toBe(duplicate.balance);
});
