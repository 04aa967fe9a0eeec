import type { TFunction } from "i18next";

/** "2 recebimentos, 0 cheques, 1 pedido e 1 entrega": what a merge moves, in the UI language. */
export function movesText(
  t: TFunction,
  moves: { payments: number; cheques: number; orders: number; deliveries: number },
): string {
  return t("merge:counts.list", {
    payments: t("merge:counts.payments", { count: moves.payments }),
    cheques: t("merge:counts.cheques", { count: moves.cheques }),
    orders: t("merge:counts.orders", { count: moves.orders }),
    deliveries: t("merge:counts.deliveries", { count: moves.deliveries }),
  });
}
