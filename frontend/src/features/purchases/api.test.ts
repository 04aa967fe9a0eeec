import { QueryClient } from "@tanstack/react-query";
import { invalidateCustomerMoney } from "../../lib/ledger-keys";
import { purchaseKeys } from "./api";

describe("purchaseKeys", () => {
  it("are refreshed by a money write on the same customer only", async () => {
    const client = new QueryClient();
    const keys = [purchaseKeys.list(7), purchaseKeys.order(7, 3), purchaseKeys.list(8)];
    for (const key of keys) client.setQueryData(key, {});
    await invalidateCustomerMoney(client, 7);
    expect(keys.map((key) => client.getQueryState(key)?.isInvalidated)).toEqual([
      true,
      true,
      false,
    ]);
  });
});
