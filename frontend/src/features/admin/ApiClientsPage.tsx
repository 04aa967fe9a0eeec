import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useReducer, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatTimestamp } from "../../lib/dates";
import { useMe } from "../../lib/me";
import { storeLabel, useStores } from "../../lib/stores";
import { StatusText } from "./StatusText";
import { AdminFrame, readableHint } from "./AdminFrame";
import {
  adminKeys,
  createApiClient,
  fetchApiClients,
  revokeApiClient,
  type ApiClient,
} from "./api";
import { refusal, type FieldErrors } from "./problems";
import { secretReducer, withoutSecret } from "./secret";

/**
 * API clients: the tills' credentials (client credentials grant). A new client's secret is
 * shown once, with a copy button; revoking stops its token requests at once.
 */
export function ApiClientsPage() {
  const { t, i18n } = useTranslation("admin");
  const { data: me } = useMe();
  const { data: stores } = useStores();
  const clients = useQuery({
    queryKey: adminKeys.apiClients,
    queryFn: ({ signal }) => fetchApiClients(signal),
  });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiClient | null>(null);

  return (
    <AdminFrame
      title={t("clients.title")}
      description={t("clients.description")}
      actions={
        clients.data && <Button onClick={() => setCreating(true)}>{t("clients.create")}</Button>
      }
    >
      {clients.isError && (
        <ProblemAlert error={clients.error} onRetry={() => void clients.refetch()} />
      )}
      {clients.isPending && <Text size="sm">{t("common:loading")}</Text>}
      {clients.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label={t("clients.title")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("fields.name")}</Table.Th>
                  <Table.Th>{t("fields.clientId")}</Table.Th>
                  <Table.Th>{t("fields.store")}</Table.Th>
                  <Table.Th>{t("fields.createdAt")}</Table.Th>
                  <Table.Th>{t("fields.status")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("actions")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {clients.data.map((client) => (
                  <Table.Tr key={client.id} data-client-id={client.client_id}>
                    <Table.Td>{client.name}</Table.Td>
                    <Table.Td ff="monospace" fz="sm">
                      {client.client_id}
                    </Table.Td>
                    <Table.Td>{storeLabel(stores, client.store_id)}</Table.Td>
                    <Table.Td>
                      {formatTimestamp(client.created_at, i18n.language, me?.timezone)}
                    </Table.Td>
                    <Table.Td>
                      <StatusText
                        active={client.active}
                        label={client.active ? t("status.active") : t("status.revoked")}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Group justify="flex-end">
                        {client.active && (
                          <Button
                            size="xs"
                            variant="outline"
                            color="red.9"
                            onClick={() => setRevoking(client)}
                          >
                            {t("clients.revoke")}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {clients.data.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text size="sm" c="gray.7" ta="center" py="md">
                        {t("clients.empty")}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <CreateClientDialog opened={creating} onClose={() => setCreating(false)} />
      <RevokeDialog client={revoking} onClose={() => setRevoking(null)} />
    </AdminFrame>
  );
}

function CreateClientDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const { data: stores } = useStores();
  const { data: me } = useMe();
  const [name, setName] = useState("");
  const [storeChoice, setStoreChoice] = useState("");
  const [fields, setFields] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revealed, dispatch] = useReducer(secretReducer, null);
  const store = storeChoice || (me ? String(me.store_id) : "");

  const close = () => {
    // Closing forgets the secret for good: it lived in this state only.
    dispatch({ type: "dismissed" });
    setName("");
    setStoreChoice("");
    setFields({});
    setMessage(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setFields({ name: t("clients.nameRequired") });
      return;
    }
    setFields({});
    setMessage(null);
    setBusy(true);
    try {
      const created = await createApiClient({
        name: name.trim(),
        role: "pos-terminal",
        store_id: store ? Number(store) : null,
      });
      queryClient.setQueryData<ApiClient[]>(adminKeys.apiClients, (list) =>
        list ? [...list, withoutSecret(created)] : list,
      );
      void queryClient.invalidateQueries({ queryKey: adminKeys.apiClients });
      dispatch({ type: "created", client: created });
    } catch (error) {
      const r = refusal(error, t);
      setFields(r.fields);
      setMessage(r.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={
        revealed ? t("clients.secretTitle", { name: revealed.name }) : t("clients.createTitle")
      }
      closeButtonProps={{ "aria-label": t("common:close") }}
      closeOnClickOutside={!revealed}
      size="lg"
      centered
    >
      {revealed ? (
        <Stack gap="sm" data-testid="client-secret">
          <Alert color="yellow" variant="light">
            {t("clients.secretOnce")}
          </Alert>
          <div>
            <Text size="sm" fw={600}>
              {t("fields.clientId")}
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code data-field="client_id" fz="sm" style={{ wordBreak: "break-all" }}>
                {revealed.clientId}
              </Code>
              <CopyButton value={revealed.clientId}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="default" onClick={copy}>
                    {copied ? t("clients.copied") : t("clients.copyId")}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </div>
          <div>
            <Text size="sm" fw={600}>
              {t("fields.clientSecret")}
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code data-field="client_secret" fz="sm" style={{ wordBreak: "break-all" }}>
                {revealed.secret}
              </Code>
              <CopyButton value={revealed.secret}>
                {({ copied, copy }) => (
                  <Button
                    size="xs"
                    onClick={() => {
                      copy();
                      dispatch({ type: "copied" });
                    }}
                  >
                    {copied ? t("clients.copied") : t("clients.copySecret")}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </div>
          <Group justify="flex-end">
            <Button variant={revealed.copied ? "filled" : "default"} onClick={close}>
              {t("clients.secretDone")}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t("fields.name")}
              description={t("clients.nameHint")}
              styles={readableHint}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fields.name}
              data-autofocus
            />
            <Select
              label={t("fields.store")}
              data={(stores ?? []).map((s) => ({
                value: String(s.id),
                label: `${s.code} — ${s.name}`,
              }))}
              value={store}
              onChange={(v) => v && setStoreChoice(v)}
              allowDeselect={false}
              error={fields.store_id}
            />
            {message && <Alert color="red">{message}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t("cancel")}
              </Button>
              <Button type="submit" loading={busy}>
                {t("clients.createConfirm")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeDialog({ client, onClose }: { client: ApiClient | null; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setMessage(null);
    onClose();
  };
  const run = async () => {
    if (!client) return;
    setBusy(true);
    setMessage(null);
    try {
      await revokeApiClient(client.id);
      await queryClient.invalidateQueries({ queryKey: adminKeys.apiClients });
      notifications.show({ color: "green", message: t("clients.revoked", { name: client.name }) });
      close();
    } catch (error) {
      setMessage(refusal(error, t).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={client !== null}
      onClose={close}
      title={t("clients.revokeTitle")}
      closeButtonProps={{ "aria-label": t("common:close") }}
      centered
    >
      <Stack gap="sm">
        <Text size="sm">{t("clients.revokeBody", { name: client?.name ?? "" })}</Text>
        {message && (
          <Alert color="red" role="alert">
            {message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t("cancel")}
          </Button>
          <Button color="red.9" loading={busy} onClick={() => void run()}>
            {t("clients.revokeConfirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
