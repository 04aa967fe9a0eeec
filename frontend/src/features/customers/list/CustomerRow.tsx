import { Badge, Group, Text } from "@mantine/core";
import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { MoneyText } from "../../../components/MoneyText";
import type { Customer } from "../api";
import classes from "./CustomerList.module.css";

export function optionId(customerId: number): string {
  return `customer-option-${customerId}`;
}

export interface CustomerRowProps {
  customer: Customer;
  selected: boolean;
  highlighted: boolean;
  position: number;
  setSize: number;
  style: CSSProperties;
  onOpen: (customer: Customer) => void;
}

/** One customer in the list: name over trade name, badges, number and balance. */
export function CustomerRow(props: CustomerRowProps) {
  const { customer, selected, highlighted, position, setSize, style, onOpen } = props;
  const { t } = useTranslation("customers-list");
  return (
    <div
      role="option"
      id={optionId(customer.id)}
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={setSize}
      data-customer-id={customer.id}
      data-highlighted={highlighted || undefined}
      data-inactive={!customer.active || undefined}
      className={classes.row}
      style={style}
      onClick={() => onOpen(customer)}
    >
      <div className={classes.main}>
        <Group gap={6} wrap="nowrap" className={classes.nameLine}>
          <Text size="sm" fw={600} truncate="end" className={classes.name} title={customer.name}>
            {customer.name}
          </Text>
          {customer.blocked && (
            <Badge size="xs" color="red.8" variant="filled" className={classes.badge}>
              {t("badge.blocked")}
            </Badge>
          )}
          {!customer.active && (
            <Badge size="xs" color="dark.4" variant="outline" className={classes.badge}>
              {t("badge.inactive")}
            </Badge>
          )}
        </Group>
        <Text size="xs" className={classes.muted} truncate="end">
          {customer.trade_name || "\u00a0"}
        </Text>
      </div>
      <div className={classes.side}>
        <MoneyText value={customer.balance} size="sm" fw={600} />
        <Text size="xs" className={classes.muted}>
          {customer.number === null ? "" : t("number", { number: customer.number })}
        </Text>
      </div>
    </div>
  );
}
