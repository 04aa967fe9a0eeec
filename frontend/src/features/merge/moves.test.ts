import i18n from "../../lib/i18n";
import { movesText } from "./moves";

describe("movesText", () => {
  it("says each count with its own plural in pt-BR, zero included", () => {
    const t = i18n.getFixedT("pt-BR");
    expect(movesText(t, { payments: 2, cheques: 0, orders: 1, deliveries: 1 })).toBe(
      "2 recebimentos, 0 cheques, 1 pedido e 1 entrega",
    );
  });

  it("and in English", () => {
    const t = i18n.getFixedT("en");
    expect(movesText(t, { payments: 1, cheques: 3, orders: 0, deliveries: 12 })).toBe(
      "1 payment, 3 cheques, 0 orders and 12 deliveries",
    );
  });
});
