import { Button, Grid, Group, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { maskTaxId } from "../../../lib/tax-id";
import type { ChequeField, ChequeValues, FormErrors } from "../form";
import { DateField } from "./fields";
import { paymentProblemText } from "./problem-text";
import { useIssuerAutofill } from "./useIssuerAutofill";

export interface ChequeFieldsProps {
  values: ChequeValues;
  /** Message keys or texts per field, keyed `cheque.<field>`. */
  errors: FormErrors;
  onChange: (field: ChequeField, value: string) => void;
  disabled: boolean;
}

/** The seven fields of the one cheque of a CHEQUE payment, with Auto-fill from the CPF/CNPJ. */
export function ChequeFields({ values, errors, onChange, disabled }: ChequeFieldsProps) {
  const { t } = useTranslation("payments");
  const autofill = useIssuerAutofill();
  const err = (field: ChequeField) => errors[`cheque.${field}`];
  const text = (field: Exclude<ChequeField, "predated_to">, span: number, maxLength: number) => (
    <Grid.Col span={{ base: 12, sm: span }}>
      <TextInput
        label={t(`cheque.${field}`)}
        value={values[field]}
        error={err(field)}
        maxLength={maxLength}
        disabled={disabled}
        withAsterisk
        onChange={(e) => onChange(field, e.currentTarget.value)}
      />
    </Grid.Col>
  );

  const fill = async () => {
    const issuer = await autofill.lookUp(values.issuer_tax_id);
    if (!issuer) return;
    onChange("issuer_name", issuer.issuer_name);
    onChange("bank", issuer.bank);
    onChange("branch", issuer.branch);
    onChange("account", issuer.account);
  };

  return (
    <Grid gap="sm" data-testid="cheque-fields">
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <DateField
          label={t("cheque.predated_to")}
          value={values.predated_to}
          error={err("predated_to")}
          disabled={disabled}
          withAsterisk
          onChange={(v) => onChange("predated_to", v)}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 8 }}>
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={t("cheque.issuer_tax_id")}
            value={values.issuer_tax_id}
            error={err("issuer_tax_id")}
            inputMode="numeric"
            disabled={disabled}
            withAsterisk
            onChange={(e) => {
              autofill.reset();
              onChange("issuer_tax_id", maskTaxId(e.currentTarget.value));
            }}
          />
          <Button
            variant="light"
            loading={autofill.loading}
            disabled={disabled}
            onClick={() => void fill()}
            mb={err("issuer_tax_id") ? 22 : 0}
          >
            {t("autofill.button")}
          </Button>
        </Group>
        {autofill.outcome && autofill.outcome !== "filled" && (
          <Text size="xs" c="orange.9" mt={4} role="status" data-testid="autofill-outcome">
            {t(`autofill.${autofill.outcome}`)}
          </Text>
        )}
        {autofill.problem && (
          <Text size="xs" c="red.9" mt={4} role="status">
            {paymentProblemText(autofill.problem, t)}
          </Text>
        )}
      </Grid.Col>
      {text("issuer_name", 12, 200)}
      {text("bank", 3, 10)}
      {text("branch", 3, 10)}
      {text("account", 3, 20)}
      {text("cheque_number", 3, 20)}
    </Grid>
  );
}
