import { Alert, Button, Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { describeProblem } from "../lib/describe-problem";
import { problemOf } from "../lib/problem";

/**
 * A failed request in words (the missing permission for a 403, the wait for a 429, the server's
 * detail otherwise), with a retry button when one is given.
 */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const problem = problemOf(error);
  return (
    <Alert color="red" role="alert" data-problem-status={problem.status}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">{describeProblem(problem, t)}</Text>
        {onRetry && problem.kind !== "forbidden" && (
          <Button size="xs" variant="default" onClick={onRetry}>
            {t("common:retry")}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
