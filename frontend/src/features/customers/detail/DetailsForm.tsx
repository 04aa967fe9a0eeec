import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useBlocker, useNavigate } from "react-router";
import { describeProblem } from "../../../lib/describe-problem";
import { can, useMe } from "../../../lib/me";
import { problemOf, type ApiProblem } from "../../../lib/problem";
import { customerKeys } from "../api";
import { ConflictDialog } from "./ConflictDialog";
import { CustomerActions } from "./CustomerActions";
import { DetailsFields } from "./DetailsFields";
import { DuplicatesDialog } from "./DuplicatesDialog";
import {
  changedFields,
  emptyValues,
  valuesOf,
  validate,
  wireValue,
  type FieldErrors,
  type FieldName,
  type FormValues,
} from "./form";
import {
  createCustomer,
  fetchCustomer,
  fetchDuplicates,
  patchCustomer,
  useStores,
  type CustomerCreateBody,
  type CustomerRecord,
  type Duplicate,
} from "./queries";

export interface DetailsFormProps {
  /** The record being edited; null for a new customer. */
  record: CustomerRecord | null;
}

/**
 * The Details tab's form. Save (or Ctrl+S) sends only the changed fields with If-Match; a 412
 * reloads the record and keeps what was typed; field errors land on their fields; leaving with
 * unsaved changes asks first. A new customer is checked for likely duplicates before its first save.
 */
export function DetailsForm({ record }: DetailsFormProps) {
  const { t, i18n } = useTranslation("customer-details");
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const stores = useStores();
  const locale = i18n.language;
  const creditControl = can(me, "sales:manage");

  const [base, setBase] = useState<CustomerRecord | null>(record);
  const baseValues = useMemo(
    () => (base ? valuesOf(base.customer, locale) : emptyValues()),
    [base, locale],
  );
  const [values, setValues] = useState<FormValues>(baseValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<{ theirs: CustomerRecord | null } | null>(null);
  const [duplicates, setDuplicates] = useState<Duplicate[]>([]);
  const changes = changedFields(values, baseValues);
  const dirty = Object.keys(changes).length > 0;

  // A fresher read of the record (another tab saved, a refetch) replaces the form only while
  // nothing is typed; with unsaved edits the old version stays the base, so the save gets a 412.
  const [seen, setSeen] = useState(record);
  if (record !== seen) {
    setSeen(record);
    if (record && base && record.customer.version !== base.customer.version && !dirty) {
      setBase(record);
      setValues(valuesOf(record.customer, locale));
    }
  }

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !saving && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const onChange = (field: FieldName, value: string | boolean) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const fail = (error: unknown) => {
    const p = problemOf(error);
    const fieldErrors: FieldErrors = {};
    for (const [field, message] of Object.entries(p.fieldErrors)) {
      fieldErrors[field as FieldName] = message;
    }
    if (p.type === "credit-control-required") {
      const fields = (p.body.fields as string[] | undefined) ?? ["credit_limit", "blocked"];
      for (const f of fields) fieldErrors[f as FieldName] = describeProblem(p, t);
    }
    setErrors(fieldErrors);
    setProblem(p);
  };

  const afterWrite = async (id: number) => {
    await queryClient.invalidateQueries({ queryKey: customerKeys.lists() });
    await queryClient.invalidateQueries({ queryKey: customerKeys.counts() });
    await queryClient.invalidateQueries({ queryKey: customerKeys.audit(id) });
  };

  const check = (typed: FormValues): boolean => {
    const found = validate(typed);
    const translated: FieldErrors = {};
    for (const [field, key] of Object.entries(found)) {
      translated[field as FieldName] = t(`errors.${key}`);
    }
    setErrors(translated);
    setProblem(null);
    return Object.keys(found).length === 0;
  };

  const create = async () => {
    setSaving(true);
    try {
      const body: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(changedFields(values, emptyValues()))) {
        if (value !== null) body[field] = value;
      }
      body.name = wireValue("name", values);
      const created = await createCustomer(body as CustomerCreateBody);
      setDuplicates([]);
      queryClient.setQueryData(customerKeys.detail(created.id), {
        customer: created,
        etag: `"${created.version}"`,
      });
      await afterWrite(created.id);
      setBase({ customer: created, etag: `"${created.version}"` });
      setValues(valuesOf(created, locale));
      notifications.show({ color: "green", message: t("created", { number: created.number }) });
      void navigate(`/customers/${created.id}/details`);
    } catch (error) {
      setDuplicates([]);
      fail(error);
    } finally {
      setSaving(false);
    }
  };

  const save = async (against: CustomerRecord | null = base, typed: FormValues = values) => {
    if (saving || !check(typed)) return;
    if (!against) {
      const query: Record<string, string> = {};
      for (const f of ["name", "tax_id", "phone", "email"] as const) {
        const v = wireValue(f, values);
        if (typeof v === "string" && v) query[f] = v;
      }
      setSaving(true);
      try {
        const found = await fetchDuplicates(query);
        setSaving(false);
        if (found.length > 0) return setDuplicates(found);
      } catch (error) {
        setSaving(false);
        return fail(error);
      }
      return create();
    }
    const body = changedFields(typed, valuesOf(against.customer, locale));
    if (Object.keys(body).length === 0) return;
    setSaving(true);
    try {
      const saved = await patchCustomer(against.customer.id, against.etag, body);
      queryClient.setQueryData(customerKeys.detail(saved.customer.id), saved);
      setBase(saved);
      setValues(valuesOf(saved.customer, locale));
      setConflict(null);
      await afterWrite(saved.customer.id);
      notifications.show({ color: "green", message: t("saved") });
    } catch (error) {
      if (problemOf(error).kind === "precondition") {
        setConflict({ theirs: null });
        try {
          const theirs = await fetchCustomer(against.customer.id);
          queryClient.setQueryData(customerKeys.detail(theirs.customer.id), theirs);
          setConflict({ theirs });
        } catch (reload) {
          setConflict(null);
          fail(reload);
        }
      } else {
        fail(error);
      }
    } finally {
      setSaving(false);
    }
  };

  useHotkeys([["mod+S", () => void save()]], []);

  const theirs = conflict?.theirs ?? null;
  // What this user changed, and what the other save changed, each once.
  const conflictFields = [
    ...new Set([
      ...Object.keys(changes),
      ...(theirs ? Object.keys(changedFields(valuesOf(theirs.customer, locale), baseValues)) : []),
    ]),
  ] as FieldName[];
  const storeId = base?.customer.store_id ?? me?.store_id;
  const storeName = stores.data?.find((s) => s.id === storeId)?.name ?? null;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      noValidate
      aria-label={t("formLabel")}
    >
      <Stack gap="xs">
        {problem && Object.keys(problem.fieldErrors).length === 0 && (
          <Alert color="red" title={describeProblem(problem, t)} data-testid="save-problem">
            {problem.kind === "forbidden" && problem.detail ? problem.detail : null}
          </Alert>
        )}
        {problem && Object.keys(problem.fieldErrors).length > 0 && (
          <Alert color="red" data-testid="save-problem">
            {t("common:problem.validation")}
          </Alert>
        )}
        <DetailsFields
          values={values}
          errors={errors}
          onChange={onChange}
          creditControl={creditControl}
          storeName={storeName}
          balance={base ? base.customer.balance : null}
          disabled={saving}
        />
        <Group justify="space-between" mt="md">
          {base ? (
            <CustomerActions
              record={base}
              dirty={dirty}
              onDone={(r) => {
                if (!r) return;
                setBase(r);
                setValues(valuesOf(r.customer, locale));
              }}
            />
          ) : (
            <span />
          )}
          <Group gap="xs">
            {dirty && (
              <Text size="sm" c="red.9" fw={500}>
                {t("unsaved")}
              </Text>
            )}
            <Button
              variant="default"
              disabled={!dirty || saving}
              onClick={() => setValues(baseValues)}
            >
              {t("undo")}
            </Button>
            <Button type="submit" loading={saving} disabled={base !== null && !dirty}>
              {base ? t("save") : t("create")}
            </Button>
          </Group>
        </Group>
      </Stack>

      <ConflictDialog
        opened={conflict !== null}
        fields={conflictFields}
        changed={Object.keys(changes) as FieldName[]}
        mine={values}
        theirs={theirs ? valuesOf(theirs.customer, locale) : null}
        onClose={() => setConflict(null)}
        onDiscard={() => {
          if (!theirs) return;
          setBase(theirs);
          setValues(valuesOf(theirs.customer, locale));
          setConflict(null);
        }}
        onReapply={() => {
          if (!theirs) return;
          // The saved values, with only the fields this user changed put back on top.
          const merged = { ...valuesOf(theirs.customer, locale) };
          for (const field of Object.keys(changes) as FieldName[]) {
            (merged as Record<FieldName, string | boolean>)[field] = values[field];
          }
          setBase(theirs);
          setValues(merged);
          setConflict(null);
          void save(theirs, merged);
        }}
      />
      <DuplicatesDialog
        duplicates={duplicates}
        saving={saving}
        onClose={() => setDuplicates([])}
        onConfirm={() => void create()}
      />
      <Modal
        closeButtonProps={{ "aria-label": t("common:close") }}
        opened={blocker.state === "blocked"}
        onClose={() => blocker.reset?.()}
        title={t("leave.title")}
        centered
      >
        <Text size="sm">{t("leave.body")}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => blocker.reset?.()}>
            {t("leave.stay")}
          </Button>
          <Button color="red.9" onClick={() => blocker.proceed?.()}>
            {t("leave.discard")}
          </Button>
        </Group>
      </Modal>
    </form>
  );
}
