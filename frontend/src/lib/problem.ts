/**
 * The one place where server errors (RFC 9457 `application/problem+json`) and network failures
 * become something the UI can show. Screens never read a raw Response.
 */
export type ProblemKind =
  | "validation" // 422: `fieldErrors` holds the message of each named field
  | "unauthorized" // 401: the session is gone
  | "forbidden" // 403: `permission` names what is missing, when the server says
  | "not-found" // 404
  | "conflict" // 409
  | "precondition" // 412: changed by someone else since it was read
  | "throttled" // 429: `retryAfter` seconds to wait
  | "offline" // 503 or no answer at all
  | "other";

export interface ApiProblem {
  kind: ProblemKind;
  status: number; // 0 when no answer came back
  type: string;
  title: string;
  detail: string;
  fieldErrors: Record<string, string>;
  permission?: string;
  retryAfter?: number;
  /** The whole body, for extension members a screen needs (e.g. `merged_into`). */
  body: Record<string, unknown>;
}

function kindOf(status: number): ProblemKind {
  switch (status) {
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not-found";
    case 409:
      return "conflict";
    case 412:
      return "precondition";
    case 422:
      return "validation";
    case 429:
      return "throttled";
    case 502:
    case 503:
    case 504:
      return "offline";
    default:
      return "other";
  }
}

/** Seconds from a Retry-After header (seconds or an HTTP date) or the body's `retry_after`. */
export function parseRetryAfter(header: string | null, body?: unknown, now = Date.now()) {
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const fromBody = (body as { retry_after?: unknown } | undefined)?.retry_after;
  return typeof fromBody === "number" ? fromBody : undefined;
}

/** A field path as the server names it (`body.cheques.2.bank` or `cheques.2.bank`). */
function fieldName(field: string): string {
  return field.replace(/^(body|query|path|header)\./, "");
}

export function parseProblem(status: number, body: unknown, headers?: Headers): ApiProblem {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const fieldErrors: Record<string, string> = {};
  if (Array.isArray(b.errors)) {
    for (const e of b.errors as { field?: unknown; message?: unknown }[]) {
      if (typeof e?.field === "string" && typeof e.message === "string") {
        const name = fieldName(e.field);
        fieldErrors[name] = fieldErrors[name] ? `${fieldErrors[name]}; ${e.message}` : e.message;
      }
    }
  }
  const problem: ApiProblem = {
    kind: kindOf(status),
    status,
    type: typeof b.type === "string" ? b.type : "about:blank",
    title: typeof b.title === "string" ? b.title : "",
    detail: typeof b.detail === "string" ? b.detail : "",
    fieldErrors,
    body: b,
  };
  if (typeof b.permission === "string") problem.permission = b.permission;
  if (status === 429) problem.retryAfter = parseRetryAfter(headers?.get("Retry-After") ?? null, b);
  return problem;
}

export function networkProblem(error: unknown): ApiProblem {
  return {
    kind: "offline",
    status: 0,
    type: "network-error",
    title: "",
    detail: error instanceof Error ? error.message : String(error),
    fieldErrors: {},
    body: {},
  };
}

/** What every failed API call throws, so TanStack Query and forms see one shape. */
export class ApiError extends Error {
  readonly problem: ApiProblem;
  constructor(problem: ApiProblem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = "ApiError";
    this.problem = problem;
  }
}

export function problemOf(error: unknown): ApiProblem {
  if (error instanceof ApiError) return error.problem;
  return networkProblem(error);
}
