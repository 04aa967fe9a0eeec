import { readFileSync } from "node:fs";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";

const here = import.meta.dirname;

// schema.d.ts is generated from openapi.json (`npm run gen:api`); it is never edited by hand.
describe("generated API types", () => {
  it("schema.d.ts is what openapi-typescript makes of openapi.json", async () => {
    const doc = JSON.parse(readFileSync(path.join(here, "openapi.json"), "utf8"));
    const fresh = astToString(await openapiTS(doc));
    const committed = readFileSync(path.join(here, "schema.d.ts"), "utf8");
    const strip = (s: string) => s.replace(/^\/\*\*[\s\S]*?\*\/\s*/, "").trim();
    expect(strip(committed)).toBe(strip(fresh));
  }, 30_000);
});
