import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { describeProblem } from "../../lib/describe-problem";
import { useIdempotencyKey } from "../../lib/idempotency";
import { problemOf } from "../../lib/problem";
import { useMerge, type MergePreview, type MergeResult } from "./api";
import { confirmationMatches, expectedConfirmation } from "./confirm";
import { movesText } from "./moves";

/**
 * The irreversible step: the owner types the duplicate's number. One Idempotency-Key per
 * confirmation, reused if the same confirmation is retried after a lost answer.
 */
export function MergeConfirmDialog({
  opened,
  preview,
  onClose,
  onMerged,
}: {
  opened: boolean;
  preview: MergePreview;
  onClose: () => void;
  onMerged: (result: MergeResult) => void;
}) {
  const { t } = useTranslation("merge");
  const [typed, setTyped] = useState("");
  const merge = useMerge(preview.survivor.id);
  const idempotency = useIdempotencyKey();
  const source = preview.source;
  const matches = confirmationMatches(typed, source);
  const byNumber = source.number !== null && source.number !== undefined;

  const close = () => {
    setTyped("");
    merge.reset();
    onClose();
  };

  const submit = () => {
    if (!matches || merge.isPending) return;
    merge.mutate(
      { sourceId: source.id, key: idempotency.key() },
      {
        onSuccess: (result) => {
          idempotency.done();
          setTyped("");
          onMerged(result);
        },
      },
    );
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t("confirm.title")}
      closeButtonProps={{ "aria-label": t("common:close") }}
      size="lg"
      data-testid="merge-confirm"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <Alert color="red" variant="light" title={t("confirm.irreversible")}>
            {t("confirm.body", {
              source: `#${source.number ?? "—"} ${source.name}`,
              survivor: `#${preview.survivor.number ?? "—"} ${preview.survivor.name}`,
              moves: movesText(t, preview.moves),
            })}
          </Alert>
          <TextInput
            label={
              byNumber
                ? t("confirm.typeNumber", { number: expectedConfirmation(source) })
                : t("confirm.typeName", { name: expectedConfirmation(source) })
            }
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            autoComplete="off"
            data-autofocus
            error={typed.trim() && !matches ? t("confirm.mismatch") : undefined}
            data-testid="merge-confirm-input"
          />
          {merge.isError && (
            <Alert color="red" data-testid="merge-error">
              {describeProblem(problemOf(merge.error), t)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t("confirm.cancel")}
            </Button>
            <Button
              type="submit"
              color="red"
              disabled={!matches}
              loading={merge.isPending}
              data-testid="merge-confirm-button"
            >
              {t("confirm.submit")}
            </Button>
          </Group>
          <Text size="xs" c="gray.7">
            {t("confirm.audit")}
          </Text>
        </Stack>
      </form>
    </Modal>
  );
}
