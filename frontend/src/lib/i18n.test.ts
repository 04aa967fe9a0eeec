import { LANGUAGES, NAMESPACES, catalogs } from "./i18n";

function keys(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object"
      ? keys(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

describe("catalogs", () => {
  const all = catalogs();

  it.each(NAMESPACES)("namespace %s has the same keys in every language", (ns) => {
    const [first, ...rest] = LANGUAGES.map((lang) => {
      expect(all[lang]?.[ns], `${lang}/${ns}.json`).toBeDefined();
      return keys(all[lang]![ns]!).sort();
    });
    expect(first!.length).toBeGreaterThan(0);
    for (const other of rest) expect(other).toEqual(first);
  });

  it("has no namespace outside the declared list", () => {
    for (const lang of LANGUAGES) {
      expect(Object.keys(all[lang]!).sort()).toEqual([...NAMESPACES].sort());
    }
  });
});
