import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import path from "node:path";
import tseslint from "typescript-eslint";

/**
 * Import boundaries (FRONTEND.md, "Layout"): a feature never imports another feature;
 * lib/, components/ and api/ never import features/ or app/. Compose features in app/.
 */
const boundaries = {
  rules: {
    "feature-isolation": {
      meta: { type: "problem", schema: [] },
      create(context) {
        const file = context.filename;
        const src = path.resolve(import.meta.dirname, "src");
        const rel = path.relative(src, file).split(path.sep);
        const layer = rel[0];
        const feature = layer === "features" ? rel[1] : undefined;
        return {
          ImportDeclaration(node) {
            const spec = node.source.value;
            if (typeof spec !== "string" || !spec.startsWith(".")) return;
            const target = path
              .relative(src, path.resolve(path.dirname(file), spec))
              .split(path.sep);
            if (target[0] === "features" && feature && target[1] !== feature) {
              context.report({
                node,
                message: `features/${feature} must not import features/${target[1]}: compose them in app/`,
              });
            }
            if (
              ["lib", "components", "api"].includes(layer) &&
              ["features", "app"].includes(target[0])
            ) {
              context.report({ node, message: `${layer}/ must not import ${target[0]}/` });
            }
          },
        };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ["dist", "node_modules", "test-results", "playwright-report", "src/api/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks, boundaries },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "boundaries/feature-isolation": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  // Playwright fixtures call `use`, which is not React's hook.
  { files: ["e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  prettier,
);
