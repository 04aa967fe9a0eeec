import { createBrowserRouter, Navigate } from "react-router";
import { RequireAuth } from "./RequireAuth";
import { Shell } from "./Shell";
import { NotFound } from "./NotFound";
import { prefetchAgeing } from "../features/receivables/prefetch";
import { getToken } from "../lib/session";
import { queryClient } from "./queryClient";

/**
 * Routes. Pages are loaded lazily so the first download holds only the shell; each page's
 * code arrives when its URL is first visited.
 */
export const router = createBrowserRouter([
  {
    path: "/login",
    lazy: async () => ({ Component: (await import("./LoginPage")).LoginPage }),
  },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <Shell />,
        children: [
          { index: true, element: <Navigate to="/customers" replace /> },
          {
            path: "customers",
            lazy: async () => ({
              Component: (await import("./customer-tabs")).CustomersRoute,
            }),
          },
          {
            path: "customers/new",
            lazy: async () => ({
              Component: (await import("../features/customers")).NewCustomerPage,
            }),
          },
          {
            path: "customers/:customerId",
            element: <Navigate to="details" replace />,
          },
          {
            path: "customers/:customerId/:tab",
            lazy: async () => ({
              Component: (await import("./customer-tabs")).CustomersRoute,
            }),
          },
          {
            path: "receivables/:view?",
            loader: ({ params }) => {
              if (params.view === "ageing" && getToken()) prefetchAgeing(queryClient);
              return null;
            },
            lazy: async () => ({
              Component: (await import("../features/receivables")).ReceivablesPage,
            }),
          },
          { path: "admin", element: <Navigate to="/admin/users" replace /> },
          {
            path: "admin/users",
            lazy: async () => ({ Component: (await import("../features/admin")).UsersPage }),
          },
          {
            path: "admin/api-clients",
            lazy: async () => ({ Component: (await import("../features/admin")).ApiClientsPage }),
          },
          {
            path: "admin/stores",
            lazy: async () => ({ Component: (await import("../features/admin")).StoresPage }),
          },
          {
            path: "cheques",
            lazy: async () => ({
              Component: (await import("../features/cheques")).ChequesPage,
            }),
          },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);
