import { Button, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

export function NotFound() {
  const { t } = useTranslation("shell");
  return (
    <Stack align="flex-start" p="lg">
      <Text>{t("notFound")}</Text>
      <Button component={Link} to="/customers" variant="light">
        {t("goHome")}
      </Button>
    </Stack>
  );
}
