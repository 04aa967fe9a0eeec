import { ActionIcon, Button, Group, Table, Text, TextInput, Tooltip } from "@mantine/core";
import { useRef, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { MoneyText } from "../../../components/MoneyText";
import { maskTaxId } from "../../../lib/tax-id";
import { batchTotal, rowAfter, type BatchRow, type FormErrors } from "../form";
import { DateField, MoneyInput } from "./fields";
import { BinIcon } from "./icons";
import { useIssuerAutofill } from "./useIssuerAutofill";

export interface ChequeBatchTableProps {
  rows: BatchRow[];
  /** Display texts keyed `cheques.N.<field>`. */
  errors: FormErrors;
  onRows: (rows: BatchRow[]) => void;
  disabled: boolean;
}

type RowField = Exclude<keyof BatchRow, "key">;

/**
 * The cheques of a new cheque payment, one row each. Enter in a row goes to the next row,
 * adding one after the last (pre-filled as the next cheque of the same book); Ctrl+Enter saves.
 */
export function ChequeBatchTable({ rows, errors, onRows, disabled }: ChequeBatchTableProps) {
  const { t } = useTranslation("payments");
  const tableRef = useRef<HTMLTableElement>(null);

  const focusRow = (index: number) =>
    requestAnimationFrame(() =>
      tableRef.current
        ?.querySelector<HTMLInputElement>(`[data-row="${index}"] input[data-first]`)
        ?.focus(),
    );

  const update = (index: number, patch: Partial<BatchRow>) =>
    onRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  const addRow = () => {
    onRows([...rows, rowAfter(rows[rows.length - 1])]);
    focusRow(rows.length);
  };

  const onKeyDown = (index: number) => (e: KeyboardEvent) => {
    if (e.key !== "Enter" || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
    e.preventDefault();
    if (index === rows.length - 1) addRow();
    else focusRow(index + 1);
  };

  return (
    <>
      <Table.ScrollContainer minWidth={1010}>
        <Table ref={tableRef} fz="sm" verticalSpacing={4} data-testid="cheque-batch">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={32}>#</Table.Th>
              <Table.Th w={120}>{t("batch.amount")}</Table.Th>
              <Table.Th w={132}>{t("cheque.predated_to")}</Table.Th>
              <Table.Th w={200}>{t("cheque.issuer_tax_id")}</Table.Th>
              <Table.Th>{t("cheque.issuer_name")}</Table.Th>
              <Table.Th w={70}>{t("cheque.bank")}</Table.Th>
              <Table.Th w={80}>{t("cheque.branch")}</Table.Th>
              <Table.Th w={110}>{t("cheque.account")}</Table.Th>
              <Table.Th w={100}>{t("cheque.cheque_number")}</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              <BatchRowView
                key={row.key}
                row={row}
                index={i}
                errors={errors}
                disabled={disabled}
                onChange={(patch) => update(i, patch)}
                onRemove={
                  rows.length > 1 ? () => onRows(rows.filter((_, j) => j !== i)) : undefined
                }
                onKeyDown={onKeyDown(i)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Button
          variant="default"
          size="xs"
          onClick={addRow}
          disabled={disabled || rows.length >= 50}
        >
          {t("batch.add")}
        </Button>
        <Text size="sm" data-testid="batch-total">
          {t("batch.total", { count: rows.length })}{" "}
          <MoneyText value={batchTotal(rows)} size="sm" fw={600} />
        </Text>
      </Group>
      <Text size="xs" c="gray.7">
        {t("batch.keys")}
      </Text>
    </>
  );
}

function BatchRowView({
  row,
  index,
  errors,
  disabled,
  onChange,
  onRemove,
  onKeyDown,
}: {
  row: BatchRow;
  index: number;
  errors: FormErrors;
  disabled: boolean;
  onChange: (patch: Partial<BatchRow>) => void;
  onRemove?: () => void;
  onKeyDown: (e: KeyboardEvent) => void;
}) {
  const { t } = useTranslation("payments");
  const autofill = useIssuerAutofill();
  const n = index + 1;
  const err = (field: RowField) => errors[`cheques.${index}.${field}`];
  const invalid = Object.keys(errors).some((k) => k.startsWith(`cheques.${index}.`));
  const label = (field: string) => t("batch.cellLabel", { field: t(field), n });
  const text = (field: RowField, maxLength: number, extra: Record<string, unknown> = {}) => (
    <TextInput
      size="xs"
      aria-label={label(`cheque.${field}`)}
      value={row[field]}
      error={Boolean(err(field))}
      title={err(field)}
      maxLength={maxLength}
      disabled={disabled}
      onChange={(e) => onChange({ [field]: e.currentTarget.value })}
      {...extra}
    />
  );

  const fill = async () => {
    const issuer = await autofill.lookUp(row.issuer_tax_id);
    if (issuer) {
      onChange({
        issuer_name: issuer.issuer_name,
        bank: issuer.bank,
        branch: issuer.branch,
        account: issuer.account,
      });
    }
  };

  const messages = Object.entries(errors)
    .filter(([k]) => k.startsWith(`cheques.${index}.`))
    .map(
      ([k, message]) =>
        `${t(`cheque.${k.split(".")[2]}`, { defaultValue: k.split(".")[2] })}: ${message}`,
    );

  return (
    <>
      <Table.Tr
        data-row={index}
        data-invalid={invalid || undefined}
        bg={invalid ? "red.0" : undefined}
        onKeyDown={onKeyDown}
      >
        <Table.Td fw={600} c={invalid ? "red.9" : undefined}>
          {n}
        </Table.Td>
        <Table.Td>
          <MoneyInput
            size="xs"
            showSymbol={false}
            aria-label={label("batch.amount")}
            value={row.amount}
            error={Boolean(err("amount"))}
            title={err("amount")}
            disabled={disabled}
            data-first=""
            onChange={(v) => onChange({ amount: v })}
          />
        </Table.Td>
        <Table.Td>
          <DateField
            size="xs"
            aria-label={label("cheque.predated_to")}
            value={row.predated_to}
            error={Boolean(err("predated_to"))}
            disabled={disabled}
            onChange={(v) => onChange({ predated_to: v })}
          />
        </Table.Td>
        <Table.Td>
          <Group gap={2} wrap="nowrap">
            {text("issuer_tax_id", 18, {
              inputMode: "numeric",
              onChange: (e: { currentTarget: HTMLInputElement }) => {
                autofill.reset();
                onChange({ issuer_tax_id: maskTaxId(e.currentTarget.value) });
              },
            })}
            <Tooltip label={t("autofill.button")}>
              <ActionIcon
                variant="light"
                size="sm"
                loading={autofill.loading}
                disabled={disabled}
                aria-label={t("autofill.row", { n })}
                onClick={() => void fill()}
              >
                ↻
              </ActionIcon>
            </Tooltip>
          </Group>
        </Table.Td>
        <Table.Td>{text("issuer_name", 200)}</Table.Td>
        <Table.Td>{text("bank", 10)}</Table.Td>
        <Table.Td>{text("branch", 10)}</Table.Td>
        <Table.Td>{text("account", 20)}</Table.Td>
        <Table.Td>{text("cheque_number", 20)}</Table.Td>
        <Table.Td>
          {onRemove && (
            <ActionIcon
              variant="subtle"
              color="red.9"
              size="sm"
              aria-label={t("batch.remove", { n })}
              disabled={disabled}
              onClick={onRemove}
            >
              <BinIcon />
            </ActionIcon>
          )}
        </Table.Td>
      </Table.Tr>
      {(messages.length > 0 || (autofill.outcome && autofill.outcome !== "filled")) && (
        <Table.Tr data-row-messages={index}>
          <Table.Td />
          <Table.Td colSpan={9}>
            {messages.length > 0 && (
              <Text size="xs" c="red.9" data-testid="batch-row-error">
                {t("batch.rowProblem", { n })} {messages.join(" · ")}
              </Text>
            )}
            {autofill.outcome && autofill.outcome !== "filled" && (
              <Text size="xs" c="orange.9" role="status">
                {t(`autofill.${autofill.outcome}`)}
              </Text>
            )}
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
