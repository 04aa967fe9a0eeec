import type { Layout } from "react-resizable-panels";

/** The divider's position, remembered per browser. */
const KEY = "custledger.customers.layout";
export const LIST_PANEL = "customer-list";
export const DETAIL_PANEL = "customer-detail";
const DEFAULT: Layout = { [LIST_PANEL]: 35, [DETAIL_PANEL]: 65 };

export function loadLayout(): Layout {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as Layout | null;
    if (saved && typeof saved[LIST_PANEL] === "number" && typeof saved[DETAIL_PANEL] === "number") {
      return saved;
    }
  } catch {
    // unreadable: fall back to the default
  }
  return DEFAULT;
}

export function saveLayout(layout: Layout): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(layout));
  } catch {
    // not remembered
  }
}
