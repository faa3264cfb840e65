#!/usr/bin/env node
// `npm test`: everything, in order: typecheck, the import graph, lint and format, unit + integration on SQLite, the
// integration suite again on PostgreSQL (skipped with a visible message when no server is reachable, except in CI), then a
// production build and the Playwright suite in Debian's Chromium. Ends with one summary line.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import net from "node:net";

const root = join(import.meta.dirname, "..");
const out = join(root, "test-results");
mkdirSync(out, { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const only = process.argv.slice(2); // e.g. `npm test -- unit e2e`
const want = (step) => only.length === 0 || only.includes(step);

function run(label, cmd, args, extraEnv = {}) {
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (r.status !== 0) failures.push(label);
  return r.status === 0;
}

function addVitest(file) {
  if (!existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, "utf8"));
  totals.passed += j.numPassedTests ?? 0;
  totals.failed += j.numFailedTests ?? 0;
  totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
}

function addPlaywright(file) {
  if (!existsSync(file)) return;
  const s = JSON.parse(readFileSync(file, "utf8")).stats ?? {};
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
}

function postgresUrl() {
  return process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
}

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    socket.setTimeout(2000);
    socket.on("connect", () => (socket.end(), resolve(true)));
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => (socket.destroy(), resolve(false)));
  });
}

const vitest = join(root, "node_modules/vitest/vitest.mjs");

if (want("typecheck")) run("typecheck (tsc --noEmit)", process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--noEmit"]);

// No import loop, and lib/ imports neither app/ nor the simulator (scripts/check-imports.mjs, madge).
if (want("imports")) run("imports (no loop; lib stands on neither app nor simulator)", process.execPath, [join(root, "scripts/check-imports.mjs")]);

if (want("lint")) {
  run("lint (ESLint)", process.execPath, [join(root, "node_modules/eslint/bin/eslint.js"), ".", "--max-warnings", "0"]);
  run("format (Prettier --check)", process.execPath, [join(root, "node_modules/prettier/bin/prettier.cjs"), "--check", ".", "--log-level", "warn"]);
}

if (want("unit")) {
  const file = join(out, "vitest-sqlite.json");
  rmSync(file, { force: true });
  run("unit + integration (SQLite)", process.execPath, [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`]);
  addVitest(file);
}

if (want("postgres")) {
  const url = postgresUrl();
  const required = process.env.CI === "true" || process.env.JOINSCOPE_REQUIRE_POSTGRES === "1";
  if (await reachable(url)) {
    const file = join(out, "vitest-postgresql.json");
    rmSync(file, { force: true });
    run(
      "integration (PostgreSQL)",
      process.execPath,
      [vitest, "run", "--project", "integration", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`],
      {
        JOINSCOPE_TEST_DATABASE: "postgresql",
        TEST_POSTGRES_URL: url,
      },
    );
    addVitest(file);
  } else if (required) {
    console.error(`\n=== integration (PostgreSQL) ===\nFAILED: no PostgreSQL server at ${new URL(url).host}, and CI requires this suite.`);
    failures.push("integration (PostgreSQL): server unreachable");
  } else {
    console.log(
      `\n=== integration (PostgreSQL) ===\nSKIPPED: no PostgreSQL server at ${new URL(url).host}. Set TEST_POSTGRES_URL to run the suite on PostgreSQL.`,
    );
  }
}

if (want("e2e")) {
  const built = run("production build (next build)", process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"]);
  if (built) {
    const file = join(out, "playwright.json");
    rmSync(file, { force: true });
    run("end-to-end (Playwright, Chromium)", process.execPath, [join(root, "node_modules/@playwright/test/cli.js"), "test", "--reporter=list,json"], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: file,
    });
    addPlaywright(file);
  }
}

console.log("");
if (failures.length) console.log(`Failed steps: ${failures.join("; ")}`);
console.log(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
