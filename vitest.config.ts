import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "@": fileURLToPath(new URL("./", import.meta.url)),
  // `server-only` throws outside React Server Components; in Node tests the whole process is server side.
  "server-only": fileURLToPath(new URL("./tests/setup/server-only-stub.ts", import.meta.url)),
};

// The simulator's CA must be trusted when each worker process starts: Node reads NODE_EXTRA_CA_CERTS
// only at start-up, and forked workers inherit this process's environment.
const { ensureSimulatorCertificates } = await import("./simulator/certificates");
process.env.NODE_EXTRA_CA_CERTS = (await ensureSimulatorCertificates()).caPath;

export default defineConfig({
  resolve: { alias },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          // tests/agent: the PowerShell agent's checks (syntax tree, decision functions, mutation list), no database.
          include: ["lib/**/*.test.ts", "simulator/**/*.test.ts", "scripts/**/*.test.ts", "tests/agent/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          pool: "forks",
        },
      },
      {
        resolve: { alias },
        test: {
          // API, CLI and sync against a real database: SQLite by default, PostgreSQL when
          // JOINSCOPE_TEST_DATABASE=postgresql (scripts/test-all.mjs runs both).
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/setup/global-setup.ts"],
          setupFiles: ["tests/setup/per-file-database.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});
