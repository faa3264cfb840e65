// The areas of issue 26's mutation testing: what Stryker mutates in each, and which test files may kill those
// mutants. Each area runs only its own tests (Stryker's `testFiles`), and within them only the tests that cover a
// mutant (coverageAnalysis "perTest"), so a run never executes the whole suite per mutant.

/** Never mutated: tests, test helpers, fixtures, vendored data. */
const NOT_PRODUCTION = ["!lib/**/*.test.ts", "!lib/**/testing/**", "!lib/**/fixtures/**", "!lib/**/vendor/**"];

const integration = (...names) => names.map((n) => `tests/integration/${n}.test.ts`);

export const AREAS = {
  auth: {
    mutate: [
      "lib/auth/**/*.ts",
      // Next.js glue (cookies(), headers(), redirect()) that only runs inside a request: the browser suite covers it
      // (e2e/), which Stryker cannot run per mutant. Its decisions are safeNextPath and findAdminBySession, mutated here.
      "!lib/auth/require-admin.ts",
    ],
    testFiles: ["lib/auth/**/*.test.ts", ...integration("admin-accounts", "admin-sessions", "login-throttle")],
  },
  rules: {
    mutate: ["lib/rules/**/*.ts"],
    testFiles: ["lib/rules/**/*.test.ts"],
  },
  reports: {
    mutate: ["lib/reports/**/*.ts"],
    testFiles: ["lib/reports/**/*.test.ts"],
  },
  ingest: {
    mutate: ["lib/ingest/**/*.ts"],
    testFiles: ["lib/ingest/**/*.test.ts", ...integration("reports-api", "agent-payloads", "upload-auth-failures", "upload-byte-budget", "report-heads")],
  },
  sync: {
    mutate: ["lib/sync/**/*.ts"],
    testFiles: ["lib/sync/**/*.test.ts", ...integration("sync", "sync-merge", "sync-convergence", "cloud-hosts", "tenant-probe")],
  },
  findings: {
    mutate: ["lib/findings/**/*.ts"],
    testFiles: ["lib/findings/**/*.test.ts", ...integration("findings", "device-subjects", "report-heads")],
  },
  graph: {
    mutate: ["lib/graph/**/*.ts"],
    testFiles: ["lib/graph/**/*.test.ts", ...integration("sync", "sync-merge", "cloud-hosts", "tenant-probe")],
  },
};

/** "auth", "lib/auth" and "lib/auth/" all name the auth area. */
export function areaName(arg) {
  const name = arg.replace(/^lib\//, "").replace(/\/$/, "");
  if (!(name in AREAS)) throw new Error(`unknown mutation area "${arg}": one of ${Object.keys(AREAS).join(", ")}`);
  return name;
}

/** The area a repository path belongs to (lib/<area>/…), or null. */
export function areaOf(path) {
  const m = /^lib\/([^/]+)\//.exec(path);
  return m && m[1] in AREAS ? m[1] : null;
}

export function mutatePatterns(area) {
  return [...AREAS[area].mutate, ...NOT_PRODUCTION];
}
