import {
  Collapse,
  Grid,
  Group,
  Select,
  Switch,
  Text,
  Textarea,
  TextInput,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { UFS } from "./br";
import { masked, type FieldErrors, type FieldName, type FormValues, type TextField } from "./form";
import { MoneyText } from "./MoneyText";

export interface DetailsFieldsProps {
  values: FormValues;
  errors: FieldErrors;
  onChange: (field: FieldName, value: string | boolean) => void;
  /** Holds `sales:manage`: may set the credit limit and the Blocked flag. */
  creditControl: boolean;
  storeName: string | null;
  balance: string | null;
  disabled: boolean;
}

/** Wraps a control the user may not change with a tooltip that says why. */
function WhyDisabled({ why, children }: { why: string | null; children: ReactNode }) {
  if (!why) return <>{children}</>;
  return (
    <Tooltip label={why} multiline w={260} withArrow>
      <div>{children}</div>
    </Tooltip>
  );
}

/** Every field of the Details tab, in a 12-column grid that folds to one column when narrow. */
export function DetailsFields(props: DetailsFieldsProps) {
  const { values, errors, onChange, creditControl, storeName, balance, disabled } = props;
  const { t, i18n } = useTranslation("customer-details");
  const [billingOpen, billing] = useDisclosure(
    Boolean(values.next_invoice_date || values.billing_instructions),
  );
  const noCredit = creditControl ? null : t("creditControlOnly");

  const text = (field: TextField, span: number, extra: Record<string, unknown> = {}) => (
    <Grid.Col span={{ base: 12, sm: span }}>
      <TextInput
        label={t(`fields.${field}`)}
        name={field}
        value={values[field]}
        error={errors[field]}
        disabled={disabled}
        onChange={(e) => onChange(field, masked(field, e.currentTarget.value))}
        {...extra}
      />
    </Grid.Col>
  );

  return (
    <>
      <Text fw={600} size="sm" c="gray.7" mb={4}>
        {t("sections.general")}
      </Text>
      <Grid gap="sm">
        {text("name", 8, { required: true, withAsterisk: true, maxLength: 200 })}
        {text("trade_name", 4, { maxLength: 200 })}
        {text("contact", 4, { maxLength: 200 })}
        {text("phone", 4, { inputMode: "tel", placeholder: "(31) 99999-8888" })}
        {text("email", 4, { type: "email", maxLength: 254 })}
        {text("address", 6, { maxLength: 200 })}
        {text("address_number", 2, { maxLength: 20 })}
        {text("complement", 4, { maxLength: 100 })}
        {text("neighbourhood", 4, { maxLength: 100 })}
        {text("city", 3, { maxLength: 100 })}
        <Grid.Col span={{ base: 6, sm: 2 }}>
          <Select
            label={t("fields.state")}
            name="state"
            data={[...UFS]}
            value={values.state || null}
            error={errors.state}
            disabled={disabled}
            searchable
            clearable
            onChange={(v) => onChange("state", v ?? "")}
          />
        </Grid.Col>
        {text("postal_code", 3, { inputMode: "numeric", placeholder: "00000-000" })}
        {text("country", 4, { maxLength: 60 })}
        {text("tax_id", 4, { inputMode: "numeric", placeholder: "000.000.000-00" })}
        {text("legacy_rg_ie", 4, { maxLength: 30 })}
        {text("legacy_registration", 4, { maxLength: 30 })}
        <Grid.Col span={{ base: 12, sm: 4 }}>
          <TextInput label={t("fields.store")} value={storeName ?? ""} readOnly variant="filled" />
        </Grid.Col>
        <Grid.Col span={12}>
          <Textarea
            label={t("fields.notes")}
            name="notes"
            value={values.notes}
            error={errors.notes}
            disabled={disabled}
            autosize
            minRows={2}
            maxRows={6}
            onChange={(e) => onChange("notes", e.currentTarget.value)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 4 }}>
          <WhyDisabled why={noCredit}>
            <TextInput
              label={t("fields.credit_limit")}
              name="credit_limit"
              leftSection={
                <Text size="sm" c="dark.6" aria-hidden>
                  R$
                </Text>
              }
              inputMode="decimal"
              placeholder={t("noCredit")}
              value={values.credit_limit}
              error={errors.credit_limit}
              disabled={disabled || !creditControl}
              onChange={(e) => onChange("credit_limit", e.currentTarget.value)}
            />
          </WhyDisabled>
        </Grid.Col>
        {balance !== null && (
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Text size="sm" fw={500}>
              {t("fields.balance")}
            </Text>
            <Text size="lg" mt={6} data-testid="details-balance">
              <MoneyText value={balance} colorOwing />
            </Text>
          </Grid.Col>
        )}
        <Grid.Col span={{ base: 12, sm: 4 }}>
          <Group gap="lg" mt={{ base: 0, sm: 26 }}>
            <Switch
              label={t("fields.active")}
              name="active"
              checked={values.active}
              disabled={disabled}
              onChange={(e) => onChange("active", e.currentTarget.checked)}
            />
            <WhyDisabled why={noCredit}>
              <Switch
                label={t("fields.blocked")}
                name="blocked"
                color="red"
                checked={values.blocked}
                disabled={disabled || !creditControl}
                error={errors.blocked}
                onChange={(e) => onChange("blocked", e.currentTarget.checked)}
              />
            </WhyDisabled>
          </Group>
        </Grid.Col>
      </Grid>

      <UnstyledButton
        onClick={billing.toggle}
        aria-expanded={billingOpen}
        aria-controls="invoice-scheduling"
        mt="lg"
        mb={4}
      >
        <Text fw={600} size="sm" c="gray.7">
          {billingOpen ? "▾" : "▸"} {t("sections.billing")}
        </Text>
      </UnstyledButton>
      <Collapse expanded={billingOpen} id="invoice-scheduling">
        <Grid gap="sm">
          {text("next_invoice_date", 4, { type: "date" })}
          <Grid.Col span={{ base: 12, sm: 8 }}>
            <Textarea
              label={t("fields.billing_instructions")}
              name="billing_instructions"
              value={values.billing_instructions}
              error={errors.billing_instructions}
              disabled={disabled}
              autosize
              minRows={2}
              maxLength={2000}
              onChange={(e) => onChange("billing_instructions", e.currentTarget.value)}
            />
          </Grid.Col>
          <Grid.Col span={12}>
            <Text size="xs" c="gray.7">
              {t("billingAutoCleared")}
            </Text>
          </Grid.Col>
        </Grid>
      </Collapse>
      <Text size="xs" c="gray.7" mt="sm" lang={i18n.language}>
        {t("productionReserved")}
      </Text>
    </>
  );
}
