import type { TFunction } from "i18next";
import { describeProblem } from "../../lib/describe-problem";
import { problemOf, type ApiProblem } from "../../lib/problem";

/** Field names the administration forms show, as the server names them. */
export type FieldErrors = Record<string, string>;

/**
 * A refusal in the user's language: the known problem types of these screens have catalog
 * sentences (the server's details are English only); anything else goes through the shared
 * description (permission, wait, detail).
 */
export function adminProblem(problem: ApiProblem, t: TFunction): string {
  const key = `admin:problems.${problem.type}`;
  const words = t(key, { defaultValue: "" });
  return words || describeProblem(problem, t);
}

/** Where a refusal lands: on its fields (422, or a 409 about one field), else in words. */
export function refusal(
  error: unknown,
  t: TFunction,
  fieldOfType: Record<string, string> = {},
): { fields: FieldErrors; message: string | null } {
  const problem = problemOf(error);
  const field = fieldOfType[problem.type];
  if (field) return { fields: { [field]: adminProblem(problem, t) }, message: null };
  if (problem.kind === "validation" && Object.keys(problem.fieldErrors).length > 0) {
    // The server's field messages are English; a field with a catalog sentence shows that.
    const fields: FieldErrors = {};
    for (const [name, text] of Object.entries(problem.fieldErrors)) {
      fields[name] = t(`admin:invalid.${name}`, { defaultValue: text });
    }
    return { fields, message: t("common:problem.validation") };
  }
  return { fields: {}, message: adminProblem(problem, t) };
}
