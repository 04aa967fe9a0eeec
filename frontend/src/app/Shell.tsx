import {
  AppShell,
  Burger,
  Button,
  Group,
  NavLink,
  SegmentedControl,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure, useHotkeys } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { chooseLanguage, currentLanguage, type Language } from "../lib/i18n";
import { can, useMe } from "../lib/me";
import { OfflineBanner } from "./OfflineBanner";
import { logout } from "./session-actions";
import { CUSTOMER_SEARCH_SELECTOR, focusWhenPresent } from "./shortcuts";

/** The frame of every page after login: menu, who is logged in, language, logout. */
export function Shell() {
  const { t, i18n } = useTranslation("shell");
  const [opened, { toggle }] = useDisclosure(false);
  const navigate = useNavigate();
  const location = useLocation();
  const { data: me } = useMe();

  const openCustomers = () => {
    if (!location.pathname.startsWith("/customers")) void navigate("/customers");
    focusWhenPresent(CUSTOMER_SEARCH_SELECTOR);
  };
  // Works from inside text fields too: a clerk jumps to the search from anywhere.
  useHotkeys([["ctrl+shift+C", openCustomers]], []);

  const onLogout = () => {
    logout();
    void navigate("/login", { replace: true });
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding={0}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t("toggleMenu")}
            />
            <Title order={1} size="h4">
              custledger
            </Title>
          </Group>
          <Group gap="md" wrap="nowrap">
            {me && (
              <div data-testid="current-user">
                <Text size="sm" fw={600} lh={1.2}>
                  {me.name}
                </Text>
                <Text size="xs" c="gray.7" lh={1.2}>
                  {t(`role.${me.role}`, { defaultValue: me.role })}
                  {me.store ? ` · ${me.store.name}` : ""}
                </Text>
              </div>
            )}
            <SegmentedControl
              size="xs"
              aria-label={t("language")}
              value={currentLanguage()}
              key={i18n.language}
              onChange={(value) => chooseLanguage(value as Language)}
              data={[
                { value: "pt-BR", label: "PT" },
                { value: "en", label: "EN" },
              ]}
            />
            <Button variant="default" size="xs" onClick={onLogout}>
              {t("logout")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label={t("menu.label")}>
        <NavLink label={t("menu.persons")} defaultOpened childrenOffset={12}>
          <NavLink
            component={Link}
            to="/customers"
            label={t("menu.customers")}
            rightSection={
              <Text size="xs" c="gray.7">
                <VisuallyHidden>, </VisuallyHidden>
                {t("shortcutCustomers")}
              </Text>
            }
            active={location.pathname.startsWith("/customers")}
          />
        </NavLink>
        {(can(me, "sales:manage") || can(me, "payments:read")) && (
          <NavLink label={t("menu.finance")} defaultOpened childrenOffset={12}>
            <NavLink
              component={Link}
              // Straight to the view this user may use, so the route's prefetch starts at once.
              to={can(me, "sales:manage") ? "/receivables/ageing" : "/receivables/overdue"}
              label={t("menu.receivables")}
              active={location.pathname.startsWith("/receivables")}
            />
            {can(me, "payments:read") && (
              <NavLink
                component={Link}
                to="/cheques"
                label={t("menu.cheques")}
                active={location.pathname.startsWith("/cheques")}
              />
            )}
          </NavLink>
        )}
        {can(me, "owner") && (
          <NavLink label={t("menu.admin")} defaultOpened childrenOffset={12} data-menu="admin">
            {(
              [
                ["/admin/users", "users"],
                ["/admin/api-clients", "apiClients"],
                ["/admin/stores", "stores"],
              ] as const
            ).map(([to, key]) => (
              <NavLink
                key={to}
                component={Link}
                to={to}
                label={t(`menu.${key}`)}
                active={location.pathname.startsWith(to)}
              />
            ))}
          </NavLink>
        )}
      </AppShell.Navbar>

      <AppShell.Main>
        <OfflineBanner />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
