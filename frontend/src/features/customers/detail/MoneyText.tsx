import { Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useMe } from "../../../lib/me";
import { compareMoney, formatMoney } from "../../../lib/money";

/** A decimal-string amount in the UI's locale and the server's currency; red when negative. */
export function MoneyText({ value, colorOwing = false }: { value: string; colorOwing?: boolean }) {
  const { i18n } = useTranslation();
  const { data: me } = useMe();
  const owing = colorOwing && compareMoney(value, "0") < 0;
  return (
    <Text span inherit c={owing ? "red.8" : undefined} fw={owing ? 600 : undefined}>
      {formatMoney(value, i18n.language, me?.currency ?? "BRL")}
    </Text>
  );
}
