/**
 * bench:signins's steps that need the app's modules bound to one database (lib/config reads DATABASE_URL at import),
 * each in a process of its own, started with the simulator's CA. argv: load | pull | sample | login. Prints one JSON
 * line. BENCH_SIMULATOR holds the simulator's ready line; BENCH_NOW, BENCH_SEED and BENCH_DEVICES the tenant's.
 *
 * - load: the tenant as a synced one has it, written straight into the tables (bench/lib/tenant-data.ts
 *   simTenantDevices: the simulator's tenant generated again from its seed): its live directory objects as a full sync
 *   stores them (no key presence, no findings pass: bench:sync and bench:rules measure those) and one agent report per
 *   Windows machine as its upload stores it (its user recorded), so sign-ins that present no device join by user and
 *   time; then the device summaries and an admin account. Minutes at 100,000 devices, where syncing and uploading
 *   through ingestReport took 1.5 hours.
 * - pull: the bare fetch floor (the pull's own queries and pages, fetched and validated with the same client and
 *   schema, one after the other as the pull reads them, nothing stored), the pull (join, rules, rows, rollups), and
 *   the floor again: the pull is judged against the mean of the two floors.
 * - sample: what the view's timed requests filter by: the cause with most sign-ins and a user with many.
 * - login: signs the bench admin in (the login form's own function) and prints the session token.
 * - rebind: a kept set-up (--reuse-setup) with its tenant's app registration pointed at this run's simulator.
 * - checkpoint: the WAL folded into the database file (before --setup-only copies it).
 */
import { createAdminUser, loginAdmin } from "@/lib/auth/admin-sessions";
import { createDb } from "@/lib/db/client";
import { createDirectDb } from "@/lib/db/direct";
import { rebuildDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import type { z } from "zod";
import { createGraphClient, type GraphResult } from "@/lib/graph/graph-client";
import { SignInPageSchema } from "@/lib/signins/graph-sign-in-schema";
import { pullSignIns } from "@/lib/signins/pull-sign-ins";
import { SIGN_IN_QUERIES, signInsRequest } from "@/lib/signins/sign-in-requests";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { peakRssMb } from "./server";
import { simTenantDevices, writeTenantDevices } from "./tenant-data";

export const BENCH_ADMIN = { email: "bench@joinscope.test", name: "Bench", password: "bench-signins-password-1" };
/** The bench's request budget: none to speak of (Graph's own is five requests per 10 s; the simulator's is off). */
const UNTHROTTLED = { requestWindow: { requests: 100_000, seconds: 1 } };
const RETENTION_DAYS = 30;

const mode = process.argv[2] as "load" | "pull" | "sample" | "login" | "rebind" | "checkpoint";
const url = process.env.DATABASE_URL!;
const sim = JSON.parse(process.env.BENCH_SIMULATOR ?? "{}");
const db = createDb(url);
const direct = createDirectDb(url);

async function pointAppAtSimulator(tenantRef: string) {
  await setTenantApp(db, {
    tenantRef,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: sim.clientId,
    credential: { kind: "secret", clientSecret: sim.clientSecret },
    actor: "bench",
  });
}

async function load() {
  const started = performance.now();
  const now = new Date(process.env.BENCH_NOW!);
  const t = await createTenant(db, { tenantId: sim.tenantId, name: "Contoso", actor: "bench" });
  if (!t.ok) throw new Error(t.error.message);
  const tenantRef = t.id;
  await pointAppAtSimulator(tenantRef);
  // The tenant the simulator serves, generated again from its seed and "now" with its machines' reports.
  const { generated } = createSimTenant({
    seed: Number(process.env.BENCH_SEED),
    deviceCount: Number(process.env.BENCH_DEVICES),
    includeReports: true,
    signIns: false,
    now,
  });
  const written = await writeTenantDevices(direct, { tenantRef, now, devices: simTenantDevices(generated!, now) });
  // As a full sync at "now" leaves the tenant: synced, its summaries built.
  await direct.batch([{ sql: `UPDATE "Tenant" SET "lastSyncAt" = ?, "lastFullSyncAt" = ? WHERE "id" = ?`, params: [now, now, tenantRef] }]);
  const writeSeconds = (performance.now() - started) / 1000;
  const summaryStarted = performance.now();
  await rebuildDeviceSummaries(tenantRef, direct);
  const summarySeconds = (performance.now() - summaryStarted) / 1000;
  const admin = await createAdminUser(db, BENCH_ADMIN, "bench");
  if (!admin.ok) throw new Error(admin.error.message);
  if (direct.dialect === "postgresql") await direct.query(`VACUUM (ANALYZE)`);
  return { tenantRef, devices: generated!.devices.length, reports: written.reports, writeSeconds, summarySeconds };
}

async function floor(now: Date) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const graph = createGraphClient(
    {
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      credential: { kind: "secret", clientSecret: sim.clientSecret },
      cloud: { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl },
    },
    UNTHROTTLED,
  );
  const from = new Date(now.getTime() - RETENTION_DAYS * 86_400_000);
  let pages = 0;
  let events = 0;
  for (const query of SIGN_IN_QUERIES) {
    let link: string | null = signInsRequest(query, from, now);
    while (link) {
      const page: GraphResult<z.infer<typeof SignInPageSchema>> = await graph.get(link, SignInPageSchema);
      if (!page.ok) throw new Error(page.error.message);
      pages++;
      events += page.data.value.length;
      link = page.data["@odata.nextLink"] ?? null;
    }
  }
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, pages, events };
}

async function pull() {
  const tenant = await db.tenant.findFirstOrThrow({ where: { tenantId: sim.tenantId }, select: { id: true } });
  const before = await floor(new Date());
  const started = performance.now();
  const cpu = process.cpuUsage();
  const r = await pullSignIns(db, { tenantRef: tenant.id, resilience: UNTHROTTLED, retentionDays: RETENTION_DAYS });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (r.status !== "ok") throw new Error(`pull: ${r.status} ${r.message}`);
  const after = await floor(new Date());
  const [joined] = await direct.query<{ n: unknown; linked: unknown; unexplained: unknown }>(
    `SELECT COUNT(*) AS "n", SUM(CASE WHEN "linkedBy" <> 'none' THEN 1 ELSE 0 END) AS "linked", SUM(CASE WHEN "cause" = 'unexplained' THEN 1 ELSE 0 END) AS "unexplained" FROM "SignInEvent" WHERE "tenantRef" = ?`,
    [tenant.id],
  );
  // What a row stores beside its columns: the sign-in's JSON and the findings' JSON, over the newest 10,000 rows (a
  // second scan of every row took ~7 minutes at 1,000,000 rows on a loaded machine).
  const [json] = await direct.query<{ signIn: unknown; findings: unknown }>(
    `SELECT AVG(LENGTH("signIn")) AS "signIn", AVG(LENGTH("findings")) AS "findings" FROM (SELECT "signIn", "findings" FROM "SignInEvent" WHERE "tenantRef" = ? ORDER BY "createdDateTime" DESC LIMIT 10000) AS newest`,
    [tenant.id],
  );
  if (direct.dialect === "postgresql") await direct.query(`ANALYZE`);
  return {
    jsonBytes: { signIn: Math.round(Number(json!.signIn)), findings: Math.round(Number(json!.findings)) },
    floorBefore: before,
    floorAfter: after,
    pull: { seconds, cpuSeconds: (used.user + used.system) / 1e6, pages: r.pages, seen: r.seen, stored: r.stored },
    rows: Number(joined!.n),
    joined: Number(joined!.linked),
    unexplained: Number(joined!.unexplained),
    peakRssMb: peakRssMb(),
  };
}

async function sample() {
  const tenant = await db.tenant.findFirstOrThrow({ where: { tenantId: sim.tenantId }, select: { id: true } });
  const [cause] = await direct.query<{ cause: string }>(
    `SELECT "cause", SUM("signIns") AS "n" FROM "SignInDaily" WHERE "tenantRef" = ? GROUP BY "cause" ORDER BY 2 DESC LIMIT 1`,
    [tenant.id],
  );
  // A user with many blocked sign-ins (from the per-user rollup: the one whose latest is newest among a cause's).
  const [user] = await direct.query<{ userPrincipalName: string }>(
    `SELECT "userPrincipalName" FROM "SignInCauseUser" WHERE "tenantRef" = ? ORDER BY "lastAt" DESC LIMIT 1`,
    [tenant.id],
  );
  const [device] = await direct.query<{ machineDeviceId: string }>(
    `SELECT "machineDeviceId" FROM "SignInEvent" WHERE "tenantRef" = ? AND "machineDeviceId" IS NOT NULL LIMIT 1`,
    [tenant.id],
  );
  return { tenantRef: tenant.id, cause: cause!.cause, user: user!.userPrincipalName, device: device?.machineDeviceId ?? null };
}

async function login() {
  const r = await loginAdmin(db, { email: BENCH_ADMIN.email, password: BENCH_ADMIN.password, clientAddress: "bench-signins" });
  if (!r.ok) throw new Error(r.error.message);
  return { token: r.sessionToken };
}

async function rebind() {
  const tenant = await db.tenant.findFirstOrThrow({ where: { tenantId: sim.tenantId }, select: { id: true } });
  await pointAppAtSimulator(tenant.id);
  return { tenantRef: tenant.id };
}

async function checkpoint() {
  await direct.query(`PRAGMA wal_checkpoint(TRUNCATE)`);
  return { ok: true };
}

const out =
  mode === "load"
    ? await load()
    : mode === "pull"
      ? await pull()
      : mode === "sample"
        ? await sample()
        : mode === "rebind"
          ? await rebind()
          : mode === "checkpoint"
            ? await checkpoint()
            : await login();
console.log(JSON.stringify(out));
await db.$disconnect();
await direct.close();
process.exit(0);
