import { Button, Group, Modal, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { wireValue, type FieldName, type FormValues } from "./form";

export interface ConflictDialogProps {
  opened: boolean;
  /** The fields the user changed, their typed values and what the server holds now. */
  fields: FieldName[];
  /** The fields this user changed (shown in bold; the others are what they had opened). */
  changed: FieldName[];
  mine: FormValues;
  theirs: FormValues | null;
  onReapply: () => void;
  onDiscard: () => void;
  onClose: () => void;
}

function shown(field: FieldName, values: FormValues, t: (k: string) => string): string {
  const v = wireValue(field, values);
  if (typeof v === "boolean") return v ? t("yes") : t("no");
  return field === "tax_id" || field === "credit_limit" ? values[field] || "—" : (v ?? "—");
}

/**
 * 412: someone saved this customer since it was opened. The record is reloaded; the user's
 * typed values stay in the form and are shown beside the values saved now, to apply again.
 */
export function ConflictDialog(props: ConflictDialogProps) {
  const { opened, fields, changed, mine, theirs, onReapply, onDiscard, onClose } = props;
  const { t } = useTranslation("customer-details");
  return (
    <Modal
      closeButtonProps={{ "aria-label": t("common:close") }}
      opened={opened}
      onClose={onClose}
      title={t("conflict.title")}
      size="lg"
      centered
    >
      <Text size="sm" mb="sm">
        {t("conflict.body")}
      </Text>
      <Table withTableBorder striped data-testid="conflict-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("conflict.field")}</Table.Th>
            <Table.Th>{t("conflict.mine")}</Table.Th>
            <Table.Th>{t("conflict.theirs")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {fields.map((field) => (
            <Table.Tr key={field}>
              <Table.Td>{t(`fields.${field}`)}</Table.Td>
              <Table.Td fw={changed.includes(field) ? 600 : undefined}>
                {shown(field, mine, t)}
              </Table.Td>
              <Table.Td>{theirs ? shown(field, theirs, t) : t("conflict.loading")}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onDiscard} disabled={!theirs}>
          {t("conflict.discard")}
        </Button>
        <Button onClick={onReapply} disabled={!theirs}>
          {t("conflict.reapply")}
        </Button>
      </Group>
    </Modal>
  );
}
