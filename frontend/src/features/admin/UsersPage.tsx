import {
  Alert,
  Button,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useMe } from "../../lib/me";
import { storeLabel, useStores } from "../../lib/stores";
import { StatusText } from "./StatusText";
import { AdminFrame, readableHint } from "./AdminFrame";
import {
  adminKeys,
  createUser,
  fetchUsers,
  patchUser,
  USER_ROLES,
  type User,
  type UserRole,
} from "./api";
import { refusal, type FieldErrors } from "./problems";

/** Users: who signs in, with which role and store; create, deactivate, reset a password. */
export function UsersPage() {
  const { t } = useTranslation("admin");
  const { data: me } = useMe();
  const { data: stores } = useStores();
  const users = useQuery({
    queryKey: adminKeys.users,
    queryFn: ({ signal }) => fetchUsers(signal),
  });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [toggling, setToggling] = useState<User | null>(null);

  return (
    <AdminFrame
      title={t("users.title")}
      description={t("users.description")}
      actions={users.data && <Button onClick={() => setCreating(true)}>{t("users.create")}</Button>}
    >
      {users.isError && <ProblemAlert error={users.error} onRetry={() => void users.refetch()} />}
      {users.isPending && <Text size="sm">{t("common:loading")}</Text>}
      {users.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label={t("users.title")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("fields.username")}</Table.Th>
                  <Table.Th>{t("fields.name")}</Table.Th>
                  <Table.Th>{t("fields.role")}</Table.Th>
                  <Table.Th>{t("fields.store")}</Table.Th>
                  <Table.Th>{t("fields.status")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("actions")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.map((user) => (
                  <Table.Tr key={user.id} data-username={user.username}>
                    <Table.Td ff="monospace" style={{ whiteSpace: "nowrap" }}>
                      {user.username}
                    </Table.Td>
                    <Table.Td>
                      {user.name}
                      {user.id === me?.id && (
                        <Text span size="xs" c="gray.7">
                          {" "}
                          ({t("users.you")})
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{t(`shell:role.${user.role}`, { defaultValue: user.role })}</Table.Td>
                    <Table.Td>{storeLabel(stores, user.store_id)}</Table.Td>
                    <Table.Td>
                      <StatusText
                        active={user.active}
                        label={user.active ? t("status.active") : t("status.inactive")}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button size="xs" variant="default" onClick={() => setResetting(user)}>
                          {t("users.resetPassword")}
                        </Button>
                        <Button
                          size="xs"
                          variant="outline"
                          color={user.active ? "red.9" : "teal.9"}
                          onClick={() => setToggling(user)}
                        >
                          {user.active ? t("users.deactivate") : t("users.reactivate")}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <CreateUserDialog opened={creating} onClose={() => setCreating(false)} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
      <ToggleUserDialog user={toggling} onClose={() => setToggling(null)} />
    </AdminFrame>
  );
}

const EMPTY = { username: "", name: "", password: "", role: "clerk" as UserRole, store: "" };

function CreateUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const { data: stores } = useStores();
  const { data: me } = useMe();
  const [form, setForm] = useState(EMPTY);
  const [fields, setFields] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const store = form.store || (me ? String(me.store_id) : "");

  const close = () => {
    setForm(EMPTY);
    setFields({});
    setMessage(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: FieldErrors = {};
    if (form.password.length < 8) local.password = t("users.passwordTooShort");
    if (form.username.trim().length < 3) local.username = t("users.usernameTooShort");
    setFields(local);
    setMessage(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const user = await createUser({
        username: form.username.trim(),
        name: form.name.trim() || null,
        password: form.password,
        role: form.role,
        store_id: store ? Number(store) : null,
      });
      await queryClient.invalidateQueries({ queryKey: adminKeys.users });
      notifications.show({
        color: "green",
        message: t("users.created", { username: user.username }),
      });
      close();
    } catch (error) {
      const r = refusal(error, t, { "username-taken": "username" });
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
      title={t("users.createTitle")}
      closeButtonProps={{ "aria-label": t("common:close") }}
      centered
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t("fields.username")}
            description={t("users.usernameHint")}
            styles={readableHint}
            required
            autoComplete="off"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.currentTarget.value })}
            error={fields.username}
            data-autofocus
          />
          <TextInput
            label={t("fields.name")}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
            error={fields.name}
          />
          <PasswordInput
            label={t("fields.password")}
            description={t("users.passwordHint")}
            styles={readableHint}
            required
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
            error={fields.password}
          />
          <Select
            label={t("fields.role")}
            data={USER_ROLES.map((r) => ({ value: r, label: t(`shell:role.${r}`) }))}
            value={form.role}
            onChange={(v) => v && setForm({ ...form, role: v as UserRole })}
            allowDeselect={false}
            error={fields.role}
          />
          <Select
            label={t("fields.store")}
            data={(stores ?? []).map((s) => ({
              value: String(s.id),
              label: `${s.code} — ${s.name}`,
            }))}
            value={store}
            onChange={(v) => v && setForm({ ...form, store: v })}
            allowDeselect={false}
            error={fields.store_id}
          />
          {message && <Alert color="red">{message}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("users.createConfirm")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const [password, setPassword] = useState("");
  const [fields, setFields] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setPassword("");
    setFields({});
    setMessage(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!user) return;
    if (password.length < 8) {
      setFields({ password: t("users.passwordTooShort") });
      return;
    }
    setBusy(true);
    try {
      await patchUser(user.id, { password });
      notifications.show({
        color: "green",
        message: t("users.passwordReset", { username: user.username }),
      });
      close();
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
      opened={user !== null}
      onClose={close}
      title={t("users.resetTitle", { username: user?.username ?? "" })}
      closeButtonProps={{ "aria-label": t("common:close") }}
      centered
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t("users.resetBody")}</Text>
          <PasswordInput
            label={t("fields.newPassword")}
            description={t("users.passwordHint")}
            styles={readableHint}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fields.password}
            data-autofocus
          />
          {message && <Alert color="red">{message}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t("cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("users.resetConfirm")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ToggleUserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation("admin");
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const deactivating = user?.active ?? true;

  const close = () => {
    setMessage(null);
    onClose();
  };

  const run = async () => {
    if (!user) return;
    setBusy(true);
    setMessage(null);
    try {
      await patchUser(user.id, { active: !user.active });
      await queryClient.invalidateQueries({ queryKey: adminKeys.users });
      notifications.show({
        color: "green",
        message: t(deactivating ? "users.deactivated" : "users.reactivated", {
          username: user.username,
        }),
      });
      close();
    } catch (error) {
      setMessage(refusal(error, t).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={user !== null}
      onClose={close}
      title={t(deactivating ? "users.deactivateTitle" : "users.reactivateTitle")}
      closeButtonProps={{ "aria-label": t("common:close") }}
      centered
    >
      <Stack gap="sm">
        <Text size="sm">
          {t(deactivating ? "users.deactivateBody" : "users.reactivateBody", {
            username: user?.username ?? "",
          })}
        </Text>
        {message && (
          <Alert color="red" role="alert">
            {message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t("cancel")}
          </Button>
          <Button color={deactivating ? "red.9" : "dark"} loading={busy} onClick={() => void run()}>
            {t(deactivating ? "users.deactivateConfirm" : "users.reactivateConfirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
