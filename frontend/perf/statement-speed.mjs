/* global process, console, performance, window, document, sessionStorage, URLSearchParams, fetch, setTimeout */
/**
 * Measures the Balance tab in a real browser against a running `custledger serve`; run by hand
 * (not a test): `npm run perf:statement -- --base-url URL --user U --password P --small ID
 * --large ID [--rounds 30]`.
 *
 * Each round opens one customer's Details tab with a fresh page load (so no cached statement),
 * waits until the header and the customer list are drawn, then clicks the Balance tab and takes
 * the time in the page (performance.now, the page's clock) from that click to the
 * `statement:first-page` mark the tab sets in the animation frame after its first page of rows
 * was drawn: lazy chunk (from the browser cache after the warm-up), the statement request, and
 * React's render. The two customers alternate, so a slow moment of the shared machine hits both.
 * Next to it, the API's own time: GET /customers/{id}/statement?limit=50 timed from this script.
 */
import { chromium } from "@playwright/test";

function args() {
  const out = { rounds: 30 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    out[key.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  if (!out.baseUrl || !out.user || !out.password || !out.small || !out.large) {
    console.error(
      "usage: npm run perf:statement -- --base-url URL --user U --password P --small ID --large ID",
    );
    process.exit(2);
  }
  out.rounds = Number(out.rounds);
  out.small = Number(out.small);
  out.large = Number(out.large);
  return out;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { n: sorted.length, median: at(50), p95: at(95), max: sorted.at(-1) };
}

const fmt = (s) =>
  `median ${s.median.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (n=${s.n})`;

async function token(base, user, password) {
  const body = new URLSearchParams({ grant_type: "password", username: user, password });
  const response = await fetch(`${base}/api/v1/auth/token`, { method: "POST", body });
  if (!response.ok) throw new Error(`login: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

async function apiTime(base, bearer, id) {
  const url = `${base}/api/v1/customers/${id}/statement?limit=50`;
  const start = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return { ms: performance.now() - start, rows: body.entries.length };
}

async function openBalance(page, base, id) {
  await page.goto(`${base}/customers/${id}/details`);
  await page.getByTestId("customer-header").getByRole("heading").waitFor();
  await page.locator("#customer-listbox [role=option]").first().waitFor();
  const tab = page.getByRole("tab", { name: "Saldo" });
  await tab.evaluate((el) =>
    el.addEventListener("click", () => (window.__clicked = performance.now()), { capture: true }),
  );
  await tab.click();
  return page.evaluate(
    (customerId) =>
      new Promise((resolve) => {
        const check = () => {
          const mark = performance
            .getEntriesByName("statement:first-page")
            .find((m) => m.detail?.customerId === customerId && m.startTime >= window.__clicked);
          if (mark) {
            const rows = document.querySelectorAll("[data-testid=statement-row]").length;
            resolve({ ms: mark.startTime - window.__clicked, rows });
          } else setTimeout(check, 5);
        };
        check();
      }),
    id,
  );
}

async function main() {
  const opt = args();
  const base = opt.baseUrl.replace(/\/$/, "");
  const bearer = await token(base, opt.user, opt.password);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "pt-BR" });
  // The session as the login page leaves it (the token in sessionStorage), set before any load.
  await page.addInitScript((value) => sessionStorage.setItem("custledger.token", value), bearer);

  const customers = { small: opt.small, large: opt.large };
  const ui = { small: [], large: [] };
  const server = { small: [], large: [] };
  const rows = {};
  // Warm-up: the tab's chunk into the browser cache, the server's statements prepared.
  for (const id of Object.values(customers)) {
    await openBalance(page, base, id);
    await apiTime(base, bearer, id);
  }
  for (let round = 0; round < opt.rounds; round++) {
    const order = round % 2 ? ["large", "small"] : ["small", "large"];
    for (const which of order) {
      const drawn = await openBalance(page, base, customers[which]);
      ui[which].push(drawn.ms);
      rows[which] = drawn.rows;
      server[which].push((await apiTime(base, bearer, customers[which])).ms);
    }
  }
  for (const which of ["small", "large"]) {
    console.log(
      `${which} (customer ${customers[which]}, ${rows[which]} rows drawn): ` +
        `click → first page drawn ${fmt(stats(ui[which]))}; API alone ${fmt(stats(server[which]))}`,
    );
  }
  const ratio = stats(ui.large).median / stats(ui.small).median;
  const ratio95 = stats(ui.large).p95 / stats(ui.small).p95;
  console.log(`large / small: median ${ratio.toFixed(2)}x, p95 ${ratio95.toFixed(2)}x`);
  await browser.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
