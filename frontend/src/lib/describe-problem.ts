import type { TFunction } from "i18next";
import type { ApiProblem } from "./problem";

/** A sentence the user can read for any problem, in the UI language. */
export function describeProblem(problem: ApiProblem, t: TFunction): string {
  switch (problem.kind) {
    case "forbidden":
      if (problem.permission) {
        const key = problem.permission.replace(/:/g, "_");
        const words = t(`common:permissions.${key}`, { defaultValue: problem.permission });
        return t("common:problem.forbiddenPermission", { permission: words });
      }
      return problem.detail || t("common:problem.forbidden");
    case "throttled":
      return t("common:problem.throttled", { count: problem.retryAfter ?? 1 });
    case "offline":
      return t("common:problem.offline");
    case "precondition":
      return t("common:problem.precondition");
    default:
      return problem.detail || problem.title || t("common:problem.unexpected");
  }
}
