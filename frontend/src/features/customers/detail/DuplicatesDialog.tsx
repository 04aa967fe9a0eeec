import { Anchor, Badge, Button, Group, List, Modal, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Duplicate } from "./queries";

export interface DuplicatesDialogProps {
  duplicates: Duplicate[];
  onConfirm: () => void;
  onClose: () => void;
  saving: boolean;
}

/** Before a new customer's first save: the likely duplicates, each opening in a new tab. */
export function DuplicatesDialog({
  duplicates,
  onConfirm,
  onClose,
  saving,
}: DuplicatesDialogProps) {
  const { t } = useTranslation("customer-details");
  return (
    <Modal
      closeButtonProps={{ "aria-label": t("common:close") }}
      opened={duplicates.length > 0}
      onClose={onClose}
      title={t("duplicates.title")}
      size="lg"
      centered
    >
      <Text size="sm" mb="sm">
        {t("duplicates.body", { count: duplicates.length })}
      </Text>
      <List spacing="xs" data-testid="duplicates-list">
        {duplicates.map((d) => (
          <List.Item key={d.id}>
            <Anchor href={`/customers/${d.id}/details`} target="_blank" rel="noopener">
              {d.number !== null ? `#${d.number} ` : ""}
              {d.name}
            </Anchor>{" "}
            <Text span size="sm" c="gray.7">
              {[d.tax_id, d.phone, d.email, d.city].filter(Boolean).join(" · ")}
            </Text>{" "}
            {d.reasons.map((r) => (
              <Badge key={r} size="sm" variant="outline" color="gray.8" mr={4}>
                {t(`duplicates.reasons.${r.replace(/\s+/g, "_")}`, { defaultValue: r })}
              </Badge>
            ))}
          </List.Item>
        ))}
      </List>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t("duplicates.back")}
        </Button>
        <Button onClick={onConfirm} loading={saving}>
          {t("duplicates.createAnyway")}
        </Button>
      </Group>
    </Modal>
  );
}
