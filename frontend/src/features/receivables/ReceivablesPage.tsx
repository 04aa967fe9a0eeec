import "@mantine/dates/styles.css";
import "dayjs/locale/pt-br";
import { Stack, Tabs, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useParams } from "react-router";
import { useCan } from "../../lib/me";
import { AgeingView } from "./AgeingView";
import { OverdueView } from "./OverdueView";

const VIEWS = ["ageing", "overdue"] as const;
type View = (typeof VIEWS)[number];

/**
 * Receivables: the ageing (`sales:manage`) and the overdue list (`payments:read`), each a URL
 * (/receivables/ageing, /receivables/overdue). A tab the user may not use is not offered; a
 * crafted URL still opens it and shows the server's refusal in words.
 */
export function ReceivablesPage() {
  const { t } = useTranslation("receivables");
  const { view } = useParams();
  const navigate = useNavigate();
  const can = useCan();
  const mayAge = can("sales:manage");

  if (!VIEWS.includes(view as View)) {
    return <Navigate to={`/receivables/${mayAge ? "ageing" : "overdue"}`} replace />;
  }

  return (
    <Stack p="md" gap="md">
      <Title order={2} size="h3">
        {t("title")}
      </Title>
      <Tabs value={view} onChange={(next) => next && void navigate(`/receivables/${next}`)}>
        <Tabs.List>
          {(mayAge || view === "ageing") && <Tabs.Tab value="ageing">{t("tabs.ageing")}</Tabs.Tab>}
          <Tabs.Tab value="overdue">{t("tabs.overdue")}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {view === "ageing" ? <AgeingView /> : <OverdueView />}
    </Stack>
  );
}
