import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { components } from "../../api/schema";
import { describeProblem } from "../../lib/describe-problem";
import { useMe } from "../../lib/me";
import { problemOf, type ApiProblem } from "../../lib/problem";
import { downloadStatement } from "./api";
import { periodError, type ExportPeriod, type LoadedSummary } from "./model";

type Customer = components["schemas"]["CustomerOut"];

/**
 * "Export": a dialog with the period (from the loaded period by default; either end may be left
 * empty for the start or the end of the history) and the two formats. The file is downloaded
 * with the session's token; a refusal (a PDF over the row limit, a bad period) is shown here.
 */
export function ExportButton({
  customer,
  financialOnly,
  loaded,
}: {
  customer: Customer;
  financialOnly: boolean;
  loaded: LoadedSummary;
}) {
  const { t } = useTranslation("statement");
  const { data: me } = useMe();
  const [opened, setOpened] = useState(false);
  const [period, setPeriod] = useState<ExportPeriod>({ from: "", to: "" });
  const [onlyFinancial, setOnlyFinancial] = useState(financialOnly);
  const [busy, setBusy] = useState<"csv" | "pdf" | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const open = () => {
    setPeriod({ from: loaded.from ?? "", to: loaded.to ?? "" });
    setOnlyFinancial(financialOnly);
    setProblem(null);
    setSaved(null);
    setOpened(true);
  };

  const error = periodError(period, me?.today);
  const download = async (format: "csv" | "pdf") => {
    setBusy(format);
    setProblem(null);
    setSaved(null);
    try {
      setSaved(
        await downloadStatement(
          customer.id,
          customer.number ?? null,
          format,
          period,
          onlyFinancial,
        ),
      );
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Button variant="default" size="xs" onClick={open} data-testid="statement-export">
        {t("export.open")}
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={t("export.title")}
        size="md"
        closeButtonProps={{ "aria-label": t("common:close") }}
      >
        <Stack gap="sm">
          <Text size="sm" c="gray.7">
            {t("export.hint")}
          </Text>
          <Group grow align="flex-start">
            <TextInput
              type="date"
              label={t("export.from")}
              value={period.from}
              max={me?.today}
              onChange={(e) => {
                const from = e.currentTarget.value;
                setPeriod((p) => ({ ...p, from }));
              }}
              error={
                error === "fromInvalid" || error === "fromAfterTo"
                  ? t(`export.errors.${error}`)
                  : problem?.fieldErrors.from
              }
            />
            <TextInput
              type="date"
              label={t("export.to")}
              value={period.to}
              max={me?.today}
              onChange={(e) => {
                const to = e.currentTarget.value;
                setPeriod((p) => ({ ...p, to }));
              }}
              error={
                error === "toInvalid" || error === "toAfterToday"
                  ? t(`export.errors.${error}`)
                  : problem?.fieldErrors.to
              }
            />
          </Group>
          <Checkbox
            label={t("financialOnly")}
            checked={onlyFinancial}
            onChange={(e) => setOnlyFinancial(e.currentTarget.checked)}
          />
          {problem && (
            <Alert color="red" data-testid="statement-export-problem">
              {problem.type.endsWith("statement-too-long")
                ? t("export.errors.tooLong", { max: problem.body.max_rows ?? "" })
                : describeProblem(problem, t)}
            </Alert>
          )}
          {saved && (
            <Alert color="green" data-testid="statement-export-done">
              {t("export.done", { name: saved })}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button
              variant="default"
              onClick={() => void download("csv")}
              loading={busy === "csv"}
              disabled={error !== null || busy !== null}
            >
              {t("export.csv")}
            </Button>
            <Button
              onClick={() => void download("pdf")}
              loading={busy === "pdf"}
              disabled={error !== null || busy !== null}
            >
              {t("export.pdf")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
