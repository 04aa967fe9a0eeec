/* global process, console, performance, window, URLSearchParams, fetch, setTimeout */
/**
 * Measures the Receivables ageing screen in a real browser against the API's own time for the
 * same request; run by hand (not a test):
 *
 *   npm run perf:receivables -- --database-url postgresql+asyncpg://... --user U --password P [--runs 15]
 *   npm run perf:receivables -- --base-url URL --user U --password P [--runs 15]
 *
 * With `--database-url` the script starts `custledger serve` (the repository's .venv, the built
 * front end) on a free loopback port against that database and stops it at the end; it only
 * reads (logins, GET requests). With `--base-url` it uses a server already running.
 *
 * Each run alternates:
 * 1. Browser: a full load of /receivables/ageing (empty query cache, the app's files from the
 *    browser cache after the first run), timed on the page's clock from navigation start to the
 *    `receivables-ageing:rendered` mark the screen sets in the animation frame after it drew the
 *    first page (totals, chart and 100 rows). This includes the HTML, the route's chunk, /auth/me,
 *    /stores, the ageing request itself and React's render.
 * 2. API alone: GET /api/v1/reports/receivables-ageing?limit=100 (what the screen asks for)
 *    timed from this script with fetch, body read.
 * 3. From the menu: the app already loaded on the Stores page (a fresh load, so nothing of the
 *    ageing is cached), the click on "Contas a receber" → the same mark.
 * One warm-up of each comes first and is not counted.
 */
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

function args() {
  const out = { runs: 15 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    out[key.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  if ((!out.baseUrl && !out.databaseUrl) || !out.user || !out.password) {
    console.error(
      "usage: npm run perf:receivables -- (--base-url URL | --database-url DSN) --user U --password P [--runs N]",
    );
    process.exit(2);
  }
  out.runs = Number(out.runs);
  return out;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { n: sorted.length, median: at(50), p95: at(95), min: sorted[0], max: sorted.at(-1) };
}

const fmt = (s) =>
  `median ${s.median.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, min ${s.min.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (n=${s.n})`;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function startServer(databaseUrl) {
  const repo = path.resolve(import.meta.dirname, "..", "..");
  const port = await freePort();
  const server = spawn(
    path.join(repo, ".venv", "bin", "custledger"),
    ["serve", "--host", "127.0.0.1", "--port", String(port)],
    { env: { ...process.env, CUSTLEDGER_DATABASE_URL: databaseUrl }, stdio: "ignore" },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { base, server };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  server.kill("SIGTERM");
  throw new Error("custledger serve did not become ready");
}

async function token(base, user, password) {
  const body = new URLSearchParams({ grant_type: "password", username: user, password });
  const response = await fetch(`${base}/api/v1/auth/token`, { method: "POST", body });
  if (!response.ok) throw new Error(`login: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

async function apiTime(base, bearer) {
  const url = `${base}/api/v1/reports/receivables-ageing?limit=100`;
  const start = performance.now();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${bearer}` } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return { ms: performance.now() - start, rows: body.items.length };
}

async function browserTime(page, base) {
  await page.goto(`${base}/receivables/ageing`);
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const check = () => {
          const mark = performance.getEntriesByName("receivables-ageing:rendered")[0];
          const request = performance
            .getEntriesByType("resource")
            .find((r) => r.name.includes("/reports/receivables-ageing"));
          if (mark)
            resolve({
              ms: mark.startTime,
              rows: mark.detail?.rows,
              requestStart: request?.startTime ?? NaN,
              responseEnd: request?.responseEnd ?? NaN,
            });
          else setTimeout(check, 5);
        };
        check();
      }),
  );
}

/**
 * The everyday case: the app is open (here on the Stores page, a fresh page load so no ageing
 * is cached) and the user clicks "Contas a receber" in the menu; click → first page drawn.
 */
async function fromMenu(page, base) {
  await page.goto(`${base}/admin/stores`);
  await page.locator("tr[data-store-code]").first().waitFor();
  const link = page.getByRole("link", { name: "Contas a receber" });
  await link.evaluate((a) =>
    a.addEventListener("click", () => (window.__clickAt = performance.now()), { once: true }),
  );
  await link.click();
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const check = () => {
          const mark = performance.getEntriesByName("receivables-ageing:rendered")[0];
          if (mark) resolve(mark.startTime - window.__clickAt);
          else setTimeout(check, 5);
        };
        check();
      }),
  );
}

async function main() {
  const opt = args();
  const started = opt.databaseUrl ? await startServer(opt.databaseUrl) : null;
  const base = (started?.base ?? opt.baseUrl).replace(/\/$/, "");
  try {
    const bearer = await token(base, opt.user, opt.password);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "pt-BR" });
    await page.goto(`${base}/login?next=/customers`);
    await page.getByLabel("Usuário").fill(opt.user);
    await page.locator("input[name=password]").fill(opt.password);
    await page.getByRole("button", { name: "Entrar" }).click();
    await page.waitForURL("**/customers");

    await apiTime(base, bearer);
    await browserTime(page, base);
    const ui = [];
    const server = [];
    const menu = [];
    const requestStarts = [];
    const responseEnds = [];
    let rows = 0;
    for (let i = 0; i < opt.runs; i += 1) {
      const shown = await browserTime(page, base);
      ui.push(shown.ms);
      requestStarts.push(shown.requestStart);
      responseEnds.push(shown.responseEnd);
      const api = await apiTime(base, bearer);
      server.push(api.ms);
      rows = api.rows;
      menu.push(await fromMenu(page, base));
      if (shown.rows !== api.rows)
        throw new Error(`screen drew ${shown.rows} rows, API ${api.rows}`);
    }
    const u = stats(ui);
    const s = stats(server);
    console.log(`ageing, first page (${rows} rows), navigation → drawn: ${fmt(u)}`);
    console.log(`ageing, API alone (GET …/receivables-ageing?limit=100): ${fmt(s)}`);
    console.log(
      `  of which: ageing request sent at ${fmt(stats(requestStarts))}; answered at ${fmt(stats(responseEnds))}`,
    );
    const m = stats(menu);
    console.log(`ageing, opened from the menu (app already loaded) → drawn: ${fmt(m)}`);
    console.log(
      `ratio from the menu: medians ${(m.median / s.median).toFixed(2)}, p95 ${(m.p95 / s.p95).toFixed(2)}`,
    );
    console.log(
      `ratio of full loads: medians: ${(u.median / s.median).toFixed(2)}, of p95: ${(u.p95 / s.p95).toFixed(2)}`,
    );
    await browser.close();
  } finally {
    started?.server.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
