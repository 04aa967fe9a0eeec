/**
 * Focus the first element matching `selector` as soon as it exists (the target page may still be
 * loading its code). Gives up after `timeoutMs`.
 */
export function focusWhenPresent(selector: string, timeoutMs = 3000): void {
  const tryFocus = () => {
    const el = document.querySelector<HTMLElement>(selector);
    if (el) {
      el.focus();
      return true;
    }
    return false;
  };
  if (tryFocus()) return;
  const observer = new MutationObserver(() => {
    if (tryFocus()) observer.disconnect();
  });
  observer.observe(document.body, { childList: true, subtree: true });
  window.setTimeout(() => observer.disconnect(), timeoutMs);
}

export const CUSTOMER_SEARCH_SELECTOR = "[data-customer-search]";
