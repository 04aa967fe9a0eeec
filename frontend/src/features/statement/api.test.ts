import { QueryClient } from "@tanstack/react-query";
import { invalidateCustomerMoney } from "../../lib/ledger-keys";
import { statementKeys } from "./api";

describe("statementKeys", () => {
  it("are refreshed by a money write on the same customer only", async () => {
    const client = new QueryClient();
    const mine = statementKeys.pages(7, false);
    const mineFinancial = statementKeys.pages(7, true);
    const other = statementKeys.pages(8, false);
    for (const key of [mine, mineFinancial, other]) client.setQueryData(key, { pages: [] });
    await invalidateCustomerMoney(client, 7);
    expect(client.getQueryState(mine)?.isInvalidated).toBe(true);
    expect(client.getQueryState(mineFinancial)?.isInvalidated).toBe(true);
    expect(client.getQueryState(other)?.isInvalidated).toBe(false);
  });
});
