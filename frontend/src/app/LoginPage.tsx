import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "../lib/api";
import { describeProblem } from "../lib/describe-problem";
import { fetchMe, meQueryKey } from "../lib/me";
import { problemOf, type ApiProblem } from "../lib/problem";
import { getToken, safeNext, setToken } from "../lib/session";
import { OfflineBanner } from "./OfflineBanner";

/** Seconds left until `until` (ms epoch), refreshed every second while positive. */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const id = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(id);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function LoginPage() {
  const { t } = useTranslation(["auth", "common"]);
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [throttledUntil, setThrottledUntil] = useState<number | null>(null);
  const wait = useCountdown(throttledUntil);
  const returning = params.has("next");

  if (getToken() && !busy) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body = new URLSearchParams({ grant_type: "password", username, password });
      const token = unwrap(
        await api.POST("/api/v1/auth/token", {
          body: body as never,
          bodySerializer: (b) => b as unknown as string,
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        }),
      );
      setToken(token.access_token);
      await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: fetchMe });
      void navigate(next, { replace: true });
    } catch (error) {
      const p = problemOf(error);
      setProblem(p);
      setThrottledUntil(p.kind === "throttled" ? Date.now() + (p.retryAfter ?? 1) * 1000 : null);
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  let message: string | null = null;
  if (problem?.kind === "throttled") {
    message = wait > 0 ? t("auth:throttled", { count: wait }) : null;
  } else if (problem) {
    message =
      problem.kind === "unauthorized"
        ? t(`auth:problem.${problem.type}`, { defaultValue: problem.detail })
        : describeProblem(problem, t);
  }

  return (
    <>
      <OfflineBanner />
      <Center mih="100vh" p="md">
        <Paper component="main" withBorder shadow="sm" p="xl" w={380} maw="100%">
          <form onSubmit={submit} noValidate>
            <Stack>
              <div>
                <Title order={1} size="h2">
                  {t("auth:title")}
                </Title>
                <Text c="gray.7" size="sm">
                  {t("auth:subtitle")}
                </Text>
              </div>
              {returning && !problem && (
                <Alert color="blue" variant="light">
                  {t("auth:sessionExpired")}
                </Alert>
              )}
              {message && (
                <Alert color="red" variant="light" role="alert" data-testid="login-error">
                  {message}
                </Alert>
              )}
              <TextInput
                label={t("auth:username")}
                name="username"
                autoComplete="username"
                autoFocus
                required
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
              />
              <PasswordInput
                label={t("auth:password")}
                name="password"
                autoComplete="current-password"
                visibilityToggleButtonProps={{ "aria-label": t("auth:showPassword") }}
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button
                type="submit"
                loading={busy}
                disabled={!username || !password || wait > 0}
                fullWidth
              >
                {t("auth:submit")}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </>
  );
}
