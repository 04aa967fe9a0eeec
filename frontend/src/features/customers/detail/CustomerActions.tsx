import { Alert, Button, Group, Modal, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { describeProblem } from "../../../lib/describe-problem";
import { compareMoney } from "../../../lib/money";
import { problemOf } from "../../../lib/problem";
import { customerKeys } from "../api";
import { deleteCustomer, patchCustomer, useHasHistory, type CustomerRecord } from "./queries";

type Action = "deactivate" | "delete";

/**
 * Deactivate (an active customer) and Delete (only a customer without any payment or order, the
 * one the API deletes; a refusal made in between is shown as is). Both ask first.
 */
export function CustomerActions({
  record,
  dirty,
  onDone,
}: {
  record: CustomerRecord;
  dirty: boolean;
  onDone: (record: CustomerRecord | null) => void;
}) {
  const { t } = useTranslation("customer-details");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [asking, setAsking] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = record.customer;
  // Only a customer that never bought nor owes can be without history: ask the API only then.
  const noMoney = compareMoney(c.total_purchases, "0") === 0 && compareMoney(c.balance, "0") === 0;
  const history = useHasHistory(c.id, noMoney);
  const mayDelete = noMoney && history.data === false;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      if (asking === "deactivate") {
        const saved = await patchCustomer(c.id, record.etag, { active: false });
        queryClient.setQueryData(customerKeys.detail(c.id), saved);
        onDone(saved);
        notifications.show({ color: "green", message: t("actions.deactivated") });
      } else {
        await deleteCustomer(c.id, record.etag);
        queryClient.removeQueries({ queryKey: customerKeys.detail(c.id) });
        notifications.show({ color: "green", message: t("actions.deleted") });
        void navigate("/customers");
      }
      await queryClient.invalidateQueries({ queryKey: customerKeys.lists() });
      await queryClient.invalidateQueries({ queryKey: customerKeys.counts() });
      await queryClient.invalidateQueries({ queryKey: customerKeys.audit(c.id) });
      setAsking(null);
    } catch (e) {
      setError(describeProblem(problemOf(e), t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Group gap="xs">
      {c.active && (
        <Button
          variant="default"

          disabled={dirty}
          onClick={() => setAsking("deactivate")}
        >
          {t("actions.deactivate")}
        </Button>
      )}
      {mayDelete && (
        <Button
          variant="outline"
          color="red.8"
          disabled={dirty}
          onClick={() => setAsking("delete")}
        >
          {t("actions.delete")}
        </Button>
      )}
      <Modal
        closeButtonProps={{ "aria-label": t("common:close") }}
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={asking ? t(`actions.${asking}Title`) : ""}
        centered
      >
        <Text size="sm">{asking ? t(`actions.${asking}Body`, { name: c.name }) : ""}</Text>
        {error && (
          <Alert color="red" mt="sm">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setAsking(null)}>
            {t("actions.cancel")}
          </Button>
          <Button
            color={asking === "delete" ? "red.9" : "dark"}
            loading={busy}
            onClick={() => void run()}
          >
            {asking ? t(`actions.${asking}Confirm`) : ""}
          </Button>
        </Group>
      </Modal>
    </Group>
  );
}
