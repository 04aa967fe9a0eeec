import {
  Alert,
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatTimestamp } from "../../lib/dates";
import { useCan, useMe } from "../../lib/me";
import { storesQueryKey, useStores, type Store } from "../../lib/stores";
import { AdminFrame, readableHint } from "./AdminFrame";
import { createStore, renameStore } from "./api";
import { refusal, type FieldErrors } from "./problems";

const CODE = /^[A-Za-z0-9_-]{1,20}$/;

/** Stores: code and name, each with its hidden quick-sale (walk-in) customer. */
export function StoresPage() {
  const { t, i18n } = useTranslation("admin");
  const { data: me } = useMe();
  const can = useCan();
  const stores = useStores();
  const [dialog, setDialog] = useState<{ store: Store | null } | null>(null);
  const mayWrite = can("owner");

  return (
    <AdminFrame
      title={t("stores.title")}
      description={t("stores.description")}
      actions={
        mayWrite &&
        stores.data && (
          <Button onClick={() => setDialog({ store: null })}>{t("stores.create")}</Button>
        )
      }
    >
      {stores.isError && (
        <ProblemAlert error={stores.error} onRetry={() => void stores.refetch()} />
      )}
      {stores.isPending && <Text size="sm">{t("common:loading")}</Text>}
      {stores.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={700}>
            <Table striped aria-label={t("stores.title")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("fields.code")}</Table.Th>
                  <Table.Th>{t("fields.name")}</Table.Th>
                  <Table.Th>{t("fields.quickSale")}</Table.Th>
                  <Table.Th>{t("fields.createdAt")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("actions")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {stores.data.map((store) => (
                  <Table.Tr key={store.id} data-store-code={store.code}>
                    <Table.Td ff="monospace">{store.code}</Table.Td>
                    <Table.Td>{store.name}</Table.Td>
                    <Table.Td data-quick-sale>
                      {store.quick_sale_customer_id !== null
                        ? t("stores.quickSaleId", { id: store.quick_sale_customer_id })
                        : "—"}
                    </Table.Td>
                    <Table.Td>
                      {formatTimestamp(store.created_at, i18n.language, me?.timezone)}
                    </Table.Td>
                    <Table.Td>
                      <Group justify="flex-end">
                        {mayWrite && (
                          <Button size="xs" variant="default" onClick={() => setDialog({ store })}>
                            {t("stores.rename")}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="gray.7" p="sm">
            {t("stores.quickSaleNote")}
          </Text>
        </Paper>
      )}
      {dialog && <StoreDialog store={dialog.store} onClose={() => setDialog(null)} />}
    </AdminFrame>
  );
}

/** Create (code and name) or rename (name only: the code is what the tills are set up with). */
function StoreDialog({ store, onClose }: { store: Store | null; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const [code, setCode] = useState("");
  const [name, setName] = useState(store?.name ?? "");
  const [fields, setFields] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: FieldErrors = {};
    if (!store && !CODE.test(code.trim())) local.code = t("stores.codeHint");
    if (!name.trim()) local.name = t("stores.nameRequired");
    setFields(local);
    setMessage(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const saved = store
        ? await renameStore(store.id, name.trim())
        : await createStore(code.trim().toUpperCase(), name.trim());
      await queryClient.invalidateQueries({ queryKey: storesQueryKey });
      notifications.show({
        color: "green",
        message: t(store ? "stores.renamed" : "stores.created", { code: saved.code }),
      });
      onClose();
    } catch (error) {
      const r = refusal(error, t, { "store-code-taken": "code" });
      setFields(r.fields);
      setMessage(r.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={store ? t("stores.renameTitle", { code: store.code }) : t("stores.createTitle")}
      closeButtonProps={{ "aria-label": t("common:close") }}
      centered
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="sm">
          {!store && (
            <TextInput
              label={t("fields.code")}
              description={t("stores.codeHint")}
              styles={readableHint}
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={fields.code}
              data-autofocus
            />
          )}
          <TextInput
            label={t("fields.name")}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fields.name}
            data-autofocus={store ? true : undefined}
          />
          {message && <Alert color="red">{message}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {store ? t("stores.renameConfirm") : t("stores.createConfirm")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
