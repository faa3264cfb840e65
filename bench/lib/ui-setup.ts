/**
 * bench:ui's steps that need the app's modules bound to one database (lib/config reads DATABASE_URL at import), each
 * in a process of its own. argv: load | ready | login. Prints one JSON line.
 *
 * - load: the 100,000-device tenant (bench/lib/tenant-data.ts) written straight into a freshly migrated database,
 *   `--reports` reports per device; then what a synced tenant has: its device summaries (the backfill, timed), a full
 *   findings pass (timed), and an admin account. PostgreSQL's tables are vacuumed and analysed afterwards, as autovacuum
 *   would after the bulk inserts: the vacuum sets the visibility map, without which no index-only scan is possible (the
 *   grouped Findings page's GROUP BY reads its index alone only then; a seq scan of every finding otherwise).
 * - ready: a reused database: its summaries brought to this code's version (a rebuild only after a change).
 * - login: signs the bench admin in (the login form's own function) and prints the session token.
 */
import { createAdminUser, loginAdmin } from "@/lib/auth/admin-sessions";
import { createDb } from "@/lib/db/client";
import { createDirectDb } from "@/lib/db/direct";
import { ensureDeviceSummaries, rebuildDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import { indexReportUsers } from "@/lib/signins/index-report-users";
import { BENCH_TENANT_ID, writeBenchTenant } from "./tenant-data";

export const BENCH_ADMIN = { email: "bench@joinscope.test", name: "Bench", password: "bench-ui-password-1" };

const mode = process.argv[2] as "load" | "ready" | "login";
const url = process.env.DATABASE_URL!;
const db = createDb(url);
const direct = createDirectDb(url);

async function load() {
  const devices = Number(process.env.BENCH_DEVICES ?? "100000");
  const reportsPerDevice = Number(process.env.BENCH_REPORTS_PER_DEVICE ?? "3");
  const now = new Date();
  const started = performance.now();
  const { tenantRef, reports } = await writeBenchTenant(direct, { devices, reportsPerDevice, now });
  // Whose session each report was captured in, as uploads record it (the header search and the user pages read it).
  await indexReportUsers(direct, { tenantRef, since: null, until: new Date(now.getTime() + 60_000) });
  const loadSeconds = (performance.now() - started) / 1000;
  // The backfill an existing database gets after the upgrade, then the findings a synced tenant has.
  const summaryStarted = performance.now();
  await rebuildDeviceSummaries(tenantRef, direct);
  const summarySeconds = (performance.now() - summaryStarted) / 1000;
  const passStarted = performance.now();
  const pass = await reevaluateAllFindings(db, tenantRef, now);
  const passSeconds = (performance.now() - passStarted) / 1000;
  if (direct.dialect === "postgresql") await direct.query(`VACUUM (ANALYZE)`);
  const admin = await createAdminUser(db, BENCH_ADMIN, "bench");
  if (!admin.ok) throw new Error(admin.error.message);
  return { tenantRef, devices, reports, builtAt: now.toISOString(), loadSeconds, summarySeconds, passSeconds, opened: pass.opened };
}

async function ready() {
  const tenant = await db.tenant.findFirstOrThrow({ where: { tenantId: BENCH_TENANT_ID }, select: { id: true } });
  const started = performance.now();
  await ensureDeviceSummaries(tenant.id, direct);
  return { tenantRef: tenant.id, seconds: (performance.now() - started) / 1000 };
}

async function login() {
  const r = await loginAdmin(db, { email: BENCH_ADMIN.email, password: BENCH_ADMIN.password, clientAddress: "bench-ui" });
  if (!r.ok) throw new Error(r.error.message);
  return { token: r.sessionToken };
}

const out = mode === "load" ? await load() : mode === "ready" ? await ready() : await login();
console.log(JSON.stringify(out));
await db.$disconnect();
await direct.close();
process.exit(0);
