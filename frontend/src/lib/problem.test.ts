import i18n from "./i18n";
import { describeProblem } from "./describe-problem";
import { ApiError, parseProblem, parseRetryAfter, problemOf } from "./problem";

const t = i18n.getFixedT("en");

describe("parseProblem", () => {
  it("maps errors[].field to form fields", () => {
    const p = parseProblem(422, {
      type: "validation-error",
      title: "Invalid request",
      status: 422,
      detail: "name: required",
      errors: [
        { field: "name", location: "body", message: "required" },
        { field: "cheques.2.bank", location: "body", message: "unknown bank" },
      ],
    });
    expect(p.kind).toBe("validation");
    expect(p.fieldErrors).toEqual({ name: "required", "cheques.2.bank": "unknown bank" });
    expect(p.detail).toBe("name: required");
  });

  it("names the missing permission of a 403 in words", () => {
    const p = parseProblem(403, {
      type: "forbidden",
      title: "Not allowed",
      status: 403,
      detail: "This needs the `sales:manage` permission.",
      permission: "sales:manage",
    });
    expect(p.kind).toBe("forbidden");
    expect(p.permission).toBe("sales:manage");
    expect(describeProblem(p, t)).toContain("manage credit and sales");
  });

  it("reads the wait of a 429 from Retry-After", () => {
    const headers = new Headers({ "Retry-After": "42" });
    const p = parseProblem(429, { type: "login-throttled", status: 429 }, headers);
    expect(p.kind).toBe("throttled");
    expect(p.retryAfter).toBe(42);
    expect(describeProblem(p, t)).toBe("Too many attempts. Wait 42 seconds.");
    expect(parseRetryAfter(null, { retry_after: 7 })).toBe(7);
    expect(
      parseRetryAfter("Fri, 04 Dec 2026 10:00:30 GMT", undefined, Date.UTC(2026, 11, 4, 10)),
    ).toBe(30);
  });

  it("treats 412 as changed by someone else and 503 or no answer as offline", () => {
    expect(parseProblem(412, {}).kind).toBe("precondition");
    expect(parseProblem(503, {}).kind).toBe("offline");
    const lost = problemOf(new TypeError("Failed to fetch"));
    expect(lost.kind).toBe("offline");
    expect(lost.status).toBe(0);
  });

  it("keeps extension members and survives a body that is not JSON", () => {
    const p = parseProblem(404, { type: "customer-merged", merged_into: { id: 9 } });
    expect(p.body.merged_into).toEqual({ id: 9 });
    const q = parseProblem(500, "Internal Server Error");
    expect(q.kind).toBe("other");
    expect(describeProblem(q, t)).toBe("Something went wrong. Try again.");
    expect(new ApiError(p).problem).toBe(p);
  });
});
