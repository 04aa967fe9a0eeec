import type { CSSProperties } from "react";
import { toCents } from "../../../lib/money";
import type { Customer } from "../api";
import classes from "./CustomerList.module.css";

export function optionId(customerId: number): string {
  return `customer-option-${customerId}`;
}

/** The row's words and formats, made once by the panel for every row it draws. */
export interface RowText {
  blocked: string;
  inactive: string;
  number: (number: number) => string;
  money: (value: string) => string;
}

export interface CustomerRowProps {
  customer: Customer;
  selected: boolean;
  highlighted: boolean;
  position: number;
  setSize: number;
  style: CSSProperties;
  text: RowText;
  onOpen: (customer: Customer) => void;
}

/**
 * One customer in the list: name over trade name, badges, number and balance. Plain elements
 * styled by the list's CSS module and no hook: rows mount by the dozen on every scroll step, and
 * a component library's style props or a translation hook per row cost long tasks there.
 */
export function CustomerRow(props: CustomerRowProps) {
  const { customer, selected, highlighted, position, setSize, style, text, onOpen } = props;
  const negative = toCents(customer.balance) < 0n;
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
        <div className={classes.nameLine}>
          <span className={classes.name} title={customer.name}>
            {customer.name}
          </span>
          {customer.blocked && <span className={classes.badgeBlocked}>{text.blocked}</span>}
          {!customer.active && <span className={classes.badgeInactive}>{text.inactive}</span>}
        </div>
        <div className={classes.muted}>{customer.trade_name || "\u00a0"}</div>
      </div>
      <div className={classes.side}>
        <span className={classes.balance} data-money="" data-negative={negative || undefined}>
          {text.money(customer.balance)}
        </span>
        <div className={classes.muted}>
          {customer.number === null ? "" : text.number(customer.number)}
        </div>
      </div>
    </div>
  );
}
