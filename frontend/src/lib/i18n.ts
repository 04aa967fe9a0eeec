import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { setApiLanguage } from "./api";

/**
 * Catalogs: one file per language and namespace, `src/locales/<lang>/<namespace>.json`, so each
 * screen's engineer edits only their own files. pt-BR is the default; the chosen language is
 * remembered in localStorage; without a choice, /auth/me's `locale` decides (`applyUserLocale`).
 */
export const LANGUAGES = ["pt-BR", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const NAMESPACES = [
  "common",
  "auth",
  "shell",
  "customers-list",
  "customer-details",
  "payments",
  "statement",
  "purchases",
  "reports",
  "merge",
  "receivables",
  "admin",
  "cheques",
] as const;
const STORAGE_KEY = "custledger.language";

const modules = import.meta.glob<{ default: Record<string, unknown> }>("../locales/*/*.json", {
  eager: true,
});

export function catalogs(): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [file, mod] of Object.entries(modules)) {
    const [, lang, ns] = /locales\/([^/]+)\/([^/]+)\.json$/.exec(file) ?? [];
    if (!lang || !ns) continue;
    (resources[lang] ??= {})[ns] = mod.default;
  }
  return resources;
}

function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

function storedLanguage(): Language | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

function apply(language: Language) {
  setApiLanguage(language);
  document.documentElement.lang = language;
}

const initial = storedLanguage() ?? "pt-BR";
apply(initial);

void i18n.use(initReactI18next).init({
  resources: catalogs(),
  lng: initial,
  fallbackLng: "pt-BR",
  ns: NAMESPACES as unknown as string[],
  defaultNS: "common",
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The user's explicit choice: applied now and remembered. */
export function chooseLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered, still applied
  }
  apply(language);
  void i18n.changeLanguage(language);
}

/** After login: the account's locale applies unless the user chose a language here before. */
export function applyUserLocale(locale: string | undefined): void {
  if (storedLanguage() || !isLanguage(locale) || locale === i18n.language) return;
  apply(locale);
  void i18n.changeLanguage(locale);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : "pt-BR";
}

export default i18n;
