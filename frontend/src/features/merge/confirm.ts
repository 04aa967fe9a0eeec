/**
 * The irreversible confirmation: the owner types the duplicate's number (the one the list and
 * the header show). Spaces, a leading "#" or "Nº" are forgiven; any other difference is not.
 * A customer without a number (never listed) is confirmed by its name, exactly.
 */
export function expectedConfirmation(source: { number?: number | null; name: string }): string {
  return source.number !== null && source.number !== undefined
    ? String(source.number)
    : source.name.trim();
}

export function confirmationMatches(
  typed: string,
  source: { number?: number | null; name: string },
): boolean {
  const expected = expectedConfirmation(source);
  if (source.number === null || source.number === undefined) return typed.trim() === expected;
  const cleaned = typed.trim().replace(/^(#|n[ºo°]\.?)\s*/i, "");
  return /^\d+$/.test(cleaned) && cleaned === expected;
}
