import { Alert } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useOnline } from "../lib/connectivity";

/** Shown while the browser is offline or the API did not answer; gone after the next success. */
export function OfflineBanner() {
  const online = useOnline();
  const { t } = useTranslation("shell");
  if (online) return null;
  return (
    <Alert color="orange" variant="filled" radius={0} role="alert" data-testid="offline-banner">
      {t("offline")}
    </Alert>
  );
}
