/**
 * Migration 20261211400000's backfill (lib/signins/upgrade-sign-in-rows.ts), on SQLite and PostgreSQL: a simulated
 * tenant's blocked sign-ins pulled, then put back in the form rows had before the migration (no causeTitle, the whole
 * sign-in as their JSON), as a database upgraded from before holds them. The list reads them right before the backfill
 * reaches them; the backfill rewrites them a bounded batch at a time, resumes where it stopped, and leaves each row as
 * the pull writes it now; the pull runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findSignIns } from "@/lib/queries/find-sign-ins";
import { pullSignIns } from "@/lib/signins/pull-sign-ins";
import { SIGN_IN_FIELD_COLUMNS, signInFromRow, type StoredSignInFields } from "@/lib/signins/sign-in-row";
import { upgradeSignInRows } from "@/lib/signins/upgrade-sign-in-rows";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { DEFAULT_SIGN_IN_LIST_PARAMS } from "@/lib/url-params/sign-in-list-params";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";

const fast = { sleep: async () => undefined, baseDelayMs: 1, requestWindow: { requests: 1000, seconds: 1 } };

let sim: SimulatorHandle;
let tenantRef: string;
let now: Date;
/** Each row as the pull wrote it: its id, causeTitle and signIn JSON. */
let written: Map<string, { causeTitle: string | null; signIn: string }>;

const rowsNow = async () =>
  db.signInEvent.findMany({ where: { tenantRef }, select: { id: true, causeTitle: true, signIn: true, findings: true, cause: true }, orderBy: { id: "desc" } });

/** Every row back in the form it had before migration 20261211400000, and the backfill not started. */
async function makeRowsOld(): Promise<void> {
  const direct = directDb();
  const columns = SIGN_IN_FIELD_COLUMNS.map((c) => `"${c}"`).join(", ");
  const rows = await direct.query<StoredSignInFields & { id: string }>(`SELECT "id", ${columns} FROM "SignInEvent" WHERE "tenantRef" = ?`, [tenantRef]);
  await direct.batch(
    rows.map((r) => ({ sql: `UPDATE "SignInEvent" SET "causeTitle" = NULL, "signIn" = ? WHERE "id" = ?`, params: [JSON.stringify(signInFromRow(r)), r.id] })),
  );
  await db.signInPull.update({ where: { tenantRef }, data: { rowsUpgraded: false, rowsUpgradeCursor: null } });
}

beforeAll(async () => {
  now = new Date();
  const created = createSimTenant({ seed: 2024, deviceCount: 120, now, includeReports: true, tenantName: "Wingtip", signIns: { days: 1 } });
  sim = await startSimulator({ tenants: [created.tenant], reportsThrottle: null });
  const t = await createTenant(db, { tenantId: created.tenant.tenantId, name: "Wingtip", actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  tenantRef = t.id;
  await setTenantApp(db, {
    tenantRef,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: created.tenant.clientId,
    credential: { kind: "secret", clientSecret: created.tenant.clientSecret! },
    actor: "test",
  });
  const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false });
  if (!sync.ok) throw new Error(sync.error.message);
  const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
  if (!token.ok) throw new Error("token");
  for (const r of created.generated!.reports) {
    const body = { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: r.agentVersion, dsregcmd: r.dsregcmd, events: r.events };
    const res = await ingestReport(db, { agent: { tokenId: token.id, tenantRef, tenantId: created.tenant.tenantId }, body });
    if (!res.ok) throw new Error(res.error.message);
  }
  const pulled = await pullSignIns(db, { tenantRef, resilience: fast, now: () => now });
  if (pulled.status !== "ok") throw new Error(pulled.message ?? pulled.status);
  written = new Map((await rowsNow()).map((r) => [r.id, { causeTitle: r.causeTitle, signIn: r.signIn }]));
}, 240_000);
afterAll(async () => sim?.close());

describe("the backfill of rows stored before causeTitle and the compact sign-in JSON", () => {
  it("a tenant's first pull writes every row in the new form and has nothing to backfill", async () => {
    expect(written.size).toBeGreaterThan(60);
    const pull = await db.signInPull.findUniqueOrThrow({ where: { tenantRef } });
    expect(pull.rowsUpgraded).toBe(true);
    for (const [, r] of written) expect(JSON.parse(r.signIn)).not.toHaveProperty("device");
    expect([...written.values()].filter((r) => r.causeTitle !== null).length).toBeGreaterThan(0);
  });

  it("the list shows an old row's title from its findings until the backfill reaches it", async () => {
    await makeRowsOld();
    const page = await findSignIns(directDb(), { tenantRef, params: { ...DEFAULT_SIGN_IN_LIST_PARAMS, period: "month" }, now, limit: 500 });
    expect(page.rows.length).toBe(written.size);
    for (const r of page.rows) expect(r.causeTitle, r.id).toBe(written.get(r.id)!.causeTitle);
  });

  it("rewrites a bounded batch at a time, newest id first, resumes where it stopped, and ends with every row as the pull writes it", async () => {
    await makeRowsOld();
    const direct = directDb();
    const first = await upgradeSignInRows(direct, { tenantRef, maxRows: 20, batch: 7 });
    expect(first).toEqual({ upgraded: 20, done: false });
    const after = await rowsNow();
    // The 20 newest ids are rewritten, no other.
    const upgraded = after.filter((r) => r.causeTitle !== null || !JSON.parse(r.signIn).device).map((r) => r.id);
    expect(upgraded).toEqual(after.slice(0, 20).map((r) => r.id));
    const pull = await db.signInPull.findUniqueOrThrow({ where: { tenantRef } });
    expect(pull).toMatchObject({ rowsUpgraded: false, rowsUpgradeCursor: after[19]!.id });

    // Stopped there (a new process, say): the next call goes on below the cursor.
    const second = await upgradeSignInRows(direct, { tenantRef, maxRows: 20, batch: 50 });
    expect(second).toEqual({ upgraded: 20, done: false });
    const rest = await upgradeSignInRows(direct, { tenantRef });
    expect(rest).toEqual({ upgraded: written.size - 40, done: true });
    expect(await db.signInPull.findUniqueOrThrow({ where: { tenantRef } })).toMatchObject({ rowsUpgraded: true });
    for (const r of await rowsNow()) {
      expect(r.causeTitle, r.id).toBe(written.get(r.id)!.causeTitle);
      expect(JSON.parse(r.signIn), r.id).toEqual(JSON.parse(written.get(r.id)!.signIn));
    }
    // Done: nothing more is read.
    expect(await upgradeSignInRows(direct, { tenantRef })).toEqual({ upgraded: 0, done: true });
  });

  it("the pull runs the backfill after its own work", async () => {
    await makeRowsOld();
    const pulled = await pullSignIns(db, { tenantRef, resilience: fast, now: () => now });
    expect(pulled.status).toBe("ok");
    expect(pulled.upgraded).toBe(written.size);
    for (const r of await rowsNow()) {
      expect(r.causeTitle, r.id).toBe(written.get(r.id)!.causeTitle);
      expect(JSON.parse(r.signIn), r.id).toEqual(JSON.parse(written.get(r.id)!.signIn));
    }
    const again = await pullSignIns(db, { tenantRef, resilience: fast, now: () => now });
    expect(again.upgraded).toBe(0);
  });
});
