/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API runs on the same origin in production (`custledger serve` serves dist/);
// in development Vite proxies /api to a local `custledger serve` (CUSTLEDGER_API, default :8000).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": process.env.CUSTLEDGER_API ?? "http://127.0.0.1:8000",
      "/readyz": process.env.CUSTLEDGER_API ?? "http://127.0.0.1:8000",
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
