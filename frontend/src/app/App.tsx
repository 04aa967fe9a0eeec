import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router";
import { setUnauthorizedHandler } from "../lib/api";
import { queryClient } from "./queryClient";
import { router } from "./router";
import { theme } from "./theme";

// An expired or rejected session: forget every cached answer and go to login, remembering
// where the user was (`next`), without reloading the page.
setUnauthorizedHandler((loginPath) => {
  queryClient.clear();
  void router.navigate(loginPath, { replace: true });
});

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
