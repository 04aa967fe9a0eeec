import { useEffect, useSyncExternalStore } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { applyUserLocale } from "../lib/i18n";
import { useMe } from "../lib/me";
import { getToken, loginPathFor, subscribeToken } from "../lib/session";

/** Pages behind login: without a session, go to login and come back here after it. */
export function RequireAuth() {
  const token = useSyncExternalStore(subscribeToken, getToken);
  const location = useLocation();
  const me = useMe(Boolean(token));

  useEffect(() => {
    if (me.data) applyUserLocale(me.data.locale);
  }, [me.data]);

  if (!token) return <Navigate to={loginPathFor(location)} replace />;
  return <Outlet />;
}
