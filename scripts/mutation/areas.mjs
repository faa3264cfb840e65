// The areas of issue 26's mutation testing: what Stryker mutates in each, and which test files may kill those
// mutants. Each area runs only its own tests (Stryker's `testFiles`), and within them only the tests that cover a
// mutant (coverageAnalysis "perTest"), so a run never executes the whole suite per mutant.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const integration = (...names) => names.map((n) => `tests/integration/${n}.test.ts`);

/**
 * `exclude`: production files of the area that are not mutated, each with the reason (docs/testing.md lists them).
 * Tests, test helpers (`testing/`), fixtures and vendored data are never mutated.
 */
export const AREAS = {
  auth: {
    exclude: {
      "lib/auth/require-admin.ts":
        "Next.js glue (cookies(), headers(), redirect()) that only runs inside a request: the browser suite covers it, which Stryker cannot run per mutant. Its decisions, safeNextPath and findAdminBySession, are mutated.",
    },
    testFiles: ["lib/auth/**/*.test.ts", ...integration("admin-accounts", "admin-sessions", "login-throttle", "admin-roles", "entra-sign-in")],
  },
  rules: {
    testFiles: ["lib/rules/**/*.test.ts"],
  },
  reports: {
    testFiles: ["lib/reports/**/*.test.ts"],
  },
  ingest: {
    testFiles: [
      "lib/ingest/**/*.test.ts",
      ...integration("reports-api", "agent-payloads", "upload-auth-failures", "upload-byte-budget", "report-heads", "agent-enrolment", "ingest-report"),
    ],
  },
  sync: {
    testFiles: [
      "lib/sync/**/*.test.ts",
      ...integration(
        "sync",
        "sync-merge",
        "sync-convergence",
        "cloud-hosts",
        "tenant-probe",
        "load-tenant-app",
        "key-presence",
        "test-connection",
        "sync-scheduler",
      ),
    ],
  },
  findings: {
    testFiles: ["lib/findings/**/*.test.ts", ...integration("findings", "device-subjects", "report-heads", "acknowledgement-lifecycle")],
  },
  graph: {
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

function walk(dir, keep, found = []) {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) walk(path, keep, found);
    else if (keep(path)) found.push(path);
  }
  return found;
}

const NOT_PRODUCTION = /\/(testing|fixtures|vendor)\/|\.test\.ts$/;

/** The files Stryker mutates in an area, relative to the repository root, sorted. */
export function sourceFiles(area, root = process.cwd()) {
  const exclude = AREAS[area].exclude ?? {};
  return walk(join(root, "lib", area), (path) => path.endsWith(".ts") && !NOT_PRODUCTION.test(path))
    .map((path) => path.slice(root.length + 1))
    .filter((path) => !(path in exclude))
    .sort();
}

/** The test files an area's patterns name: exact paths, and `DIR/**\/*.test.ts` (the only two forms used above). */
export function testFiles(area, root = process.cwd()) {
  const found = [];
  for (const pattern of AREAS[area].testFiles) {
    const m = /^(.*)\/\*\*\/\*\.test\.ts$/.exec(pattern);
    if (!m) {
      if (existsSync(join(root, pattern))) found.push(pattern);
      continue;
    }
    found.push(...walk(join(root, m[1]), (path) => path.endsWith(".test.ts")).map((path) => path.slice(root.length + 1)));
  }
  return [...new Set(found)].sort();
}
