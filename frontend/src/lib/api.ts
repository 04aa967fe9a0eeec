import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../api/schema";
import { setApiReachable } from "./connectivity";
import { ApiError, networkProblem, parseProblem } from "./problem";
import { getToken, loginPathFor, setToken } from "./session";

/**
 * The API client. Every call goes through these middlewares: the bearer token and the UI
 * language on the way out; reachability, the 401 redirect and problem parsing on the way back.
 * Use `unwrap(await api.GET(...))` to get the data or throw an `ApiError`.
 */
let currentLanguage = "pt-BR";
export function setApiLanguage(language: string): void {
  currentLanguage = language;
}

type UnauthorizedHandler = (loginPath: string) => void;
let onUnauthorized: UnauthorizedHandler = (path) => window.location.assign(path);
/** The app installs a router-aware handler (and clears the query cache there). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    request.headers.set("Accept-Language", currentLanguage);
    return request;
  },
  onResponse({ request, response }) {
    setApiReachable(response.status !== 503);
    const isLogin = new URL(request.url).pathname.endsWith("/auth/token");
    if (response.status === 401 && !isLogin && getToken()) {
      setToken(null);
      onUnauthorized(loginPathFor(window.location));
    }
    return response;
  },
  onError({ error }) {
    setApiReachable(false);
    throw new ApiError(networkProblem(error));
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(session);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer, or an `ApiError` holding the parsed problem. */
export function unwrap<T>(result: Result<T>): T {
  const { data, error, response } = result;
  if (!response.ok) {
    throw new ApiError(parseProblem(response.status, error, response.headers));
  }
  return data as T;
}
