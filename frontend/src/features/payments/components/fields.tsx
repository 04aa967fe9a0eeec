import { Text, TextInput, type TextInputProps } from "@mantine/core";
import { DateInput, type DateInputProps } from "@mantine/dates";
import "dayjs/locale/pt-br";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatMoneyInput, parseMoneyInput } from "../../../lib/money-input";
import { dateFormat, parseTypedDate } from "../../../lib/typed-date";

export interface DateFieldProps extends Omit<DateInputProps, "value" | "onChange"> {
  /** `YYYY-MM-DD` or "" for none. */
  value: string;
  onChange: (value: string) => void;
}

/**
 * A date typed as the clerk writes it (31/12/2026) or picked from the calendar. Days outside
 * `minDate`/`maxDate` are disabled in the calendar and not accepted when typed.
 */
export function DateField({ value, onChange, ...props }: DateFieldProps) {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  // Esc with the calendar open closes the calendar, not the modal around the field (the
  // modal's Esc listener skips a target marked this way).
  const [calendarOpen, setCalendarOpen] = useState(false);
  return (
    <DateInput
      data-mantine-stop-propagation={calendarOpen ? "true" : undefined}
      value={value || null}
      onChange={(v) => onChange(v ?? "")}
      valueFormat={dateFormat(locale)}
      dateParser={(text) => parseTypedDate(text, locale)}
      locale={locale.startsWith("pt") ? "pt-br" : "en"}
      placeholder={locale.startsWith("en") ? "mm/dd/yyyy" : "dd/mm/aaaa"}
      firstDayOfWeek={0}
      popoverProps={{
        withinPortal: true,
        onOpen: () => setCalendarOpen(true),
        onClose: () => setCalendarOpen(false),
      }}
      {...props}
    />
  );
}

export interface MoneyInputProps extends Omit<TextInputProps, "value" | "onChange"> {
  /** The amount as typed ("1.234,5"). */
  value: string;
  onChange: (value: string) => void;
  /** Only the currency symbol, hidden when the field is narrow. */
  showSymbol?: boolean;
}

/**
 * A money amount typed in the UI language's way; on leaving the field it is rewritten
 * (`1234,5` → `1.234,50`). What it yields is read with `parseMoneyInput`: a decimal string.
 */
export function MoneyInput({ value, onChange, showSymbol = true, ...props }: MoneyInputProps) {
  const { i18n } = useTranslation();
  return (
    <TextInput
      inputMode="decimal"
      autoComplete="off"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      onBlur={() => {
        const parsed = parseMoneyInput(value);
        if (parsed !== null) onChange(formatMoneyInput(parsed, i18n.language));
      }}
      leftSection={
        showSymbol ? (
          <Text size="sm" c="dark.6" aria-hidden>
            R$
          </Text>
        ) : undefined
      }
      styles={{ input: { textAlign: "right", fontVariantNumeric: "tabular-nums" } }}
      {...props}
    />
  );
}
