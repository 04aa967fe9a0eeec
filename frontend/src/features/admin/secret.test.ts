import { describe, expect, it } from "vitest";
import type { ApiClientCreated } from "./api";
import { secretReducer, withoutSecret } from "./secret";

const created: ApiClientCreated = {
  id: 9,
  name: "Caixa 2",
  client_id: "pos-abc",
  client_secret: "s3cr3t-shown-once",
  role: "pos-terminal",
  permissions: ["customers:read"],
  store_id: 1,
  active: true,
  created_at: "2026-12-04T12:00:00Z",
  updated_at: "2026-12-04T12:00:00Z",
};

describe("the secret-once state", () => {
  it("reveals the secret of the client just created, not yet copied", () => {
    expect(secretReducer(null, { type: "created", client: created })).toEqual({
      clientId: "pos-abc",
      name: "Caixa 2",
      secret: "s3cr3t-shown-once",
      copied: false,
    });
  });

  it("records the copy and keeps the secret until dismissed", () => {
    const shown = secretReducer(null, { type: "created", client: created });
    const copied = secretReducer(shown, { type: "copied" });
    expect(copied).toMatchObject({ copied: true, secret: "s3cr3t-shown-once" });
  });

  it("forgets the secret for good when dismissed; copying afterwards brings nothing back", () => {
    const shown = secretReducer(null, { type: "created", client: created });
    const gone = secretReducer(shown, { type: "dismissed" });
    expect(gone).toBeNull();
    expect(secretReducer(gone, { type: "copied" })).toBeNull();
  });

  it("the list's copy of the client never holds the secret", () => {
    const listed = withoutSecret(created);
    expect(listed).not.toHaveProperty("client_secret");
    expect(JSON.stringify(listed)).not.toContain("s3cr3t");
    expect(listed).toMatchObject({ id: 9, client_id: "pos-abc", active: true });
  });
});
