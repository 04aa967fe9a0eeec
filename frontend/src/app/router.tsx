import { createBrowserRouter, Navigate } from "react-router";
import { RequireAuth } from "./RequireAuth";
import { Shell } from "./Shell";
import { NotFound } from "./NotFound";

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
