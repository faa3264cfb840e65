// ESLint: Next.js's rules (React, hooks, accessibility, Core Web Vitals) and typescript-eslint's recommended set.
// Formatting is Prettier's job (.prettierrc.json). `npm test` runs both (scripts/test-all.mjs, step "lint").
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      // A leading underscore names a value kept only to be left out (`{ secret: _, ...rest }`) or a required parameter.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Playwright's fixtures hand a `use` callback that is not React's `use` hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // Tests read JSON from the wire (Graph pages, API answers) and inspect it structurally.
    files: ["**/*.test.ts", "tests/**", "e2e/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/db/generated/**",
      "lib/graph/vendor/**",
      "data/**",
      "reports/**",
      "test-results/**",
      "playwright-report/**",
      ".stryker-tmp/**",
      "bench/out/**",
      "next-env.d.ts",
    ],
  },
];

export default config;
