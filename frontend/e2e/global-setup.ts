import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Starts a real `custledger serve` (the repository's .venv) on a free loopback port against a
 * fresh SQLite file, migrated and seeded with the demo business; the teardown stops it.
 */
const repo = path.resolve(import.meta.dirname, "..", "..");
const cli = path.join(repo, ".venv", "bin", "custledger");
export const STATE_FILE = path.join(import.meta.dirname, "..", "test-results", "server.json");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`custledger serve did not become ready at ${url}`);
}

export default async function globalSetup(): Promise<void> {
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  const dir = mkdtempSync(path.join(tmpdir(), "custledger-e2e-"));
  const env = {
    ...process.env,
    CUSTLEDGER_DATABASE_URL: `sqlite+aiosqlite:///${path.join(dir, "e2e.sqlite3")}`,
  };
  for (const args of [["migrate"], ["seed-demo"]]) {
    const run = spawnSync(cli, args, { env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`custledger ${args.join(" ")}: ${run.stderr}`);
  }
  const port = await freePort();
  const server = spawn(cli, ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    env,
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, 30_000);
  process.env.E2E_BASE_URL = url;
  writeFileSync(STATE_FILE, JSON.stringify({ pid: server.pid, dir, url }));
}
