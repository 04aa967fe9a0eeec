import { Text, type TextProps } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useMe } from "../lib/me";
import { formatMoney, toCents } from "../lib/money";

export interface MoneyTextProps extends TextProps {
  /** A decimal string from the API ("-12.50"). */
  value: string;
}

/**
 * An amount in the business currency and the UI language (`R$ 1.234,56`), red when below zero
 * (the customer owes). Tabular figures so amounts line up in a column.
 */
export function MoneyText({ value, ...props }: MoneyTextProps) {
  const { i18n } = useTranslation();
  const { data: me } = useMe();
  const negative = toCents(value) < 0n;
  return (
    <Text
      component="span"
      style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}
      c={negative ? "red.9" : undefined}
      data-money=""
      data-negative={negative || undefined}
      {...props}
    >
      {formatMoney(value, i18n.language, me?.currency ?? "BRL")}
    </Text>
  );
}
