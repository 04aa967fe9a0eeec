/* global process, console, performance, window, document, PerformanceObserver, URL, URLSearchParams, fetch, setTimeout */
/**
 * Measures the Customers list in a real browser against a running `custledger serve`; run by
 * hand (not a test): `npm run perf -- --base-url URL --user U --password P [--searches 40]
 * [--scroll 10000]`.
 *
 * 1. Search: for each term, the search box is cleared, the term typed, and the time measured in
 *    the page (performance.now, the page's clock) from the last keystroke's `keydown` to the
 *    `customers-list:results` mark the list sets in the animation frame after it rendered that
 *    term's own results. This includes the 180 ms debounce, the API round trip (list + counts)
 *    and React's render. Next to it, the API's own time for the same search: GET
 *    /api/v1/customers?q=term&limit=100 timed from this script with fetch (after one warm-up).
 * 2. Scroll: the list is scrolled from the top until `--scroll` customers have been drawn,
 *    recording long tasks (> 50 ms, PerformanceObserver 'longtask') and the pages fetched.
 *    `--profile FILE` also records the page's CPU profile during the scroll (Chrome DevTools
 *    format, FILE.cpuprofile) and prints the functions with the most time of their own.
 */
import { chromium } from "@playwright/test";
import { writeFile } from "node:fs/promises";

function args() {
  const out = { searches: 40, scroll: 10_000 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    out[key.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  if (!out.baseUrl || !out.user || !out.password) {
    console.error("usage: npm run perf -- --base-url URL --user U --password P");
    process.exit(2);
  }
  out.searches = Number(out.searches);
  out.scroll = Number(out.scroll);
  return out;
}

const TERMS = [
  "maria",
  "joao",
  "silva",
  "santos",
  "oliveira",
  "souza",
  "pereira",
  "costa",
  "ferreira",
  "almeida",
  "rodrigues",
  "lima",
  "gomes",
  "ribeiro",
  "carvalho",
  "araujo",
  "barbosa",
  "rocha",
  "dias",
  "nascimento",
  "jose",
  "antonio",
  "francisca",
  "ana",
  "paulo",
  "carlos",
  "lucas",
  "mercado",
  "comercio",
  "ltda",
  "123",
  "1042",
  "987",
  "sao paulo",
  "bom",
  "casa",
  "pedro",
  "luiz",
  "marcos",
  "rafael",
  "fernanda",
  "julia",
  "gabriel",
  "mariana",
  "beatriz",
];

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

async function apiTime(base, bearer, term) {
  const url = `${base}/api/v1/customers?${new URLSearchParams({ q: term, limit: "100" })}`;
  const headers = { Authorization: `Bearer ${bearer}` };
  const start = performance.now();
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - start;
}

/** Milliseconds of own time per function (name and place) in a CPU profile, largest first. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
    ms.set(key, (ms.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...ms].map(([k, v]) => [k, Math.round(v)]).sort((a, b) => b[1] - a[1]);
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
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(`${base}/login?next=/customers`);
  await page.getByLabel("Usuário").fill(opt.user);
  await page.locator("input[name=password]").fill(opt.password);
  await page.getByRole("button", { name: "Entrar" }).click();
  await page.waitForURL("**/customers");
  const box = page.locator("[data-customer-search]");
  const listbox = page.locator("#customer-listbox");
  await listbox.locator("[role=option]").first().waitFor();
  await box.evaluate((input) =>
    input.addEventListener("keydown", () => (window.__lastKey = performance.now())),
  );

  const ui = [];
  const server = [];
  const terms = Array.from({ length: opt.searches }, (_, i) => TERMS[i % TERMS.length]);
  await apiTime(base, bearer, "warm-up");
  for (const term of terms) {
    await box.fill("");
    await page.waitForFunction(
      () => document.querySelector("#customer-listbox")?.dataset.resultsFor === "",
    );
    await page.evaluate(() => performance.clearMarks("customers-list:results"));
    await box.pressSequentially(term, { delay: 60 });
    const elapsed = await page.evaluate(
      (q) =>
        new Promise((resolve) => {
          const check = () => {
            const mark = performance
              .getEntriesByName("customers-list:results")
              .find((m) => m.detail?.q === q && m.startTime >= window.__lastKey);
            if (mark) resolve(mark.startTime - window.__lastKey);
            else setTimeout(check, 5);
          };
          check();
        }),
      term,
    );
    ui.push(elapsed);
    server.push(await apiTime(base, bearer, term));
  }
  if (ui.length) console.log(`search, keystroke to rendered results: ${fmt(stats(ui))}`);
  if (server.length)
    console.log(`search, API alone (GET /customers?q=…&limit=100): ${fmt(stats(server))}`);

  // Scroll from the top until opt.scroll customers have been drawn.
  await box.fill("");
  await page.waitForFunction(
    () => document.querySelector("#customer-listbox")?.dataset.resultsFor === "",
  );
  let pages = 0;
  page.on("request", (r) => {
    if (new URL(r.url()).searchParams.get("cursor")) pages += 1;
  });
  await page.evaluate(() => {
    window.__longTasks = [];
    document.querySelector("#customer-listbox").scrollTop = 0;
  });
  const cdp = opt.profile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  const started = Date.now();
  let reached = 0;
  while (reached < opt.scroll && Date.now() - started < 600_000) {
    await page.mouse.move(400, 500);
    await page.mouse.wheel(0, 2400);
    await page.waitForTimeout(16);
    reached = await listbox.evaluate((el) =>
      Math.max(
        0,
        ...[...el.querySelectorAll("[role=option]")].map((o) =>
          Number(o.getAttribute("aria-posinset")),
        ),
      ),
    );
  }
  const seconds = (Date.now() - started) / 1000;
  if (cdp) {
    const { profile } = await cdp.send("Profiler.stop");
    await writeFile(`${opt.profile}.cpuprofile`, JSON.stringify(profile));
    console.log(`profile: ${opt.profile}.cpuprofile; most time of their own:`);
    for (const [name, ms] of selfTimes(profile).slice(0, 15)) console.log(`  ${ms} ms  ${name}`);
  }
  const longTasks = await page.evaluate(() => window.__longTasks);
  const total = longTasks.reduce((a, b) => a + b, 0);
  console.log(
    `scroll: ${reached} customers drawn in ${seconds.toFixed(1)} s, ${pages} more pages fetched; ` +
      `long tasks > 50 ms: ${longTasks.length}` +
      (longTasks.length
        ? ` (longest ${Math.max(...longTasks).toFixed(0)} ms, total ${total.toFixed(0)} ms)`
        : ""),
  );
  if (process.env.PERF_VERBOSE) console.log(`long tasks (ms): ${longTasks.join(", ")}`);
  await browser.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
