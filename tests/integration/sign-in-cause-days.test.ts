/**
 * SignInCauseDay (docs/decisions/047): the devices and users each cause hit, per UTC day of their latest sign-in of it,
 * kept by the database's triggers on SignInCauseDevice and SignInCauseUser whoever writes them. Written here through
 * the pull's own rollup statements (lib/signins/sign-in-rollups.ts), one transaction per "page", so each path of the
 * triggers runs: a first sign-in (insert), a later one on another day (update that moves the day), an older one (an
 * update that changes nothing), the retention (delete), and the tenant's deletion (cascade).
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { runStatements } from "@/lib/db/run-statements";
import { findSignInSummary } from "@/lib/queries/find-sign-in-summary";
import { expireStatements, recomputeLatestStatements, RollupDelta, type RollupRow } from "@/lib/signins/sign-in-rollups";
import { createTenant } from "@/lib/tenants/create-tenant";
import { DEFAULT_SIGN_IN_LIST_PARAMS, type SignInListParams } from "@/lib/url-params/sign-in-list-params";

const DAY = 86_400_000;
const day0 = Date.UTC(2026, 11, 1);
const at = (days: number, hour: number) => new Date(day0 + days * DAY + hour * 3_600_000);
const CHROME = { cause: "ca-device-not-presented", causeLabel: "Chrome without the Microsoft Single Sign On extension" };
const NO_PRT = { cause: "ca-device-no-prt", causeLabel: "No PRT: network or proxy error" };

function row(when: Date, cause: { cause: string; causeLabel: string }, device: string | null, user: string | null): RollupRow {
  return { createdDateTime: when, ...cause, appDisplayName: "OfficeHome", userPrincipalName: user, machineDeviceId: device, deviceId: null };
}

async function write(tenantRef: string, rows: RollupRow[]): Promise<void> {
  const delta = new RollupDelta();
  for (const r of rows) delta.add(r);
  const direct = directDb();
  await db.$transaction((tx) => runStatements(tx, direct.dialect, delta.statements(direct, tenantRef)));
}

/** The stored day counts, zero counters left out: "day|cause|devices" → n. */
async function days(tenantRef: string): Promise<Record<string, number>> {
  const stored = await db.signInCauseDay.findMany({ where: { tenantRef } });
  const out: Record<string, number> = {};
  for (const d of stored) {
    const n = Math.round((d.day.getTime() - day0) / DAY);
    if (d.devices) out[`${n}|${d.cause}|devices`] = d.devices;
    if (d.users) out[`${n}|${d.cause}|users`] = d.users;
  }
  return out;
}

async function causes(tenantRef: string, now: Date, change: Partial<SignInListParams> = {}) {
  const s = await findSignInSummary(directDb(), { tenantRef, params: { ...DEFAULT_SIGN_IN_LIST_PARAMS, ...change }, now });
  return Object.fromEntries(s.causes.map((c) => [c.cause, { signIns: c.signIns, devices: c.devices, users: c.users }]));
}

describe("the distinct devices and users per cause and day (SignInCauseDay)", () => {
  it("follows each device's and user's latest sign-in of a cause through inserts, moves to a later day, the retention and the tenant's deletion", async () => {
    const t = await createTenant(db, { tenantId: "6f0c2a1e-4b7d-4c3e-9a8b-1d2e3f405162", name: "Northwind", actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    const tenantRef = t.id;

    // Day 1: two machines blocked in Chrome, one user; machine A also without a PRT, another user.
    await write(tenantRef, [
      row(at(1, 9), CHROME, "dev-a", "ann@contoso.com"),
      row(at(1, 10), CHROME, "dev-b", "ann@contoso.com"),
      row(at(1, 11), NO_PRT, "dev-a", "bob@contoso.com"),
    ]);
    expect(await days(tenantRef)).toEqual({
      "1|ca-device-not-presented|devices": 2,
      "1|ca-device-not-presented|users": 1,
      "1|ca-device-no-prt|devices": 1,
      "1|ca-device-no-prt|users": 1,
    });

    // Day 3: machine A and Ann blocked in Chrome again (their latest moves from day 1 to day 3); an older sign-in of
    // machine B (day 0) changes nothing: its latest stays on day 1.
    await write(tenantRef, [row(at(3, 8), CHROME, "dev-a", "ann@contoso.com"), row(at(0, 8), CHROME, "dev-b", null)]);
    expect(await days(tenantRef)).toEqual({
      "1|ca-device-not-presented|devices": 1,
      "3|ca-device-not-presented|devices": 1,
      "3|ca-device-not-presented|users": 1,
      "1|ca-device-no-prt|devices": 1,
      "1|ca-device-no-prt|users": 1,
    });

    // The view: today (day 3) Chrome hit one machine and one user; over the week two machines, one user.
    expect(await causes(tenantRef, at(3, 12), { period: "day" })).toEqual({ "ca-device-not-presented": { signIns: 1, devices: 1, users: 1 } });
    expect(await causes(tenantRef, at(3, 12), { period: "week" })).toEqual({
      "ca-device-not-presented": { signIns: 4, devices: 2, users: 1 },
      "ca-device-no-prt": { signIns: 1, devices: 1, users: 1 },
    });
    expect(await causes(tenantRef, at(3, 12), { period: "week", cause: "ca-device-no-prt" })).toEqual({
      "ca-device-no-prt": { signIns: 1, devices: 1, users: 1 },
    });
    // One app: no distinct counts (they are per cause, not per app).
    expect(await causes(tenantRef, at(3, 12), { period: "week", app: "OfficeHome" })).toEqual({
      "ca-device-not-presented": { signIns: 4, devices: null, users: null },
      "ca-device-no-prt": { signIns: 1, devices: null, users: null },
    });

    // The retention drops everything before day 2: the latest sign-ins on day 1 go, with their days.
    const expire = expireStatements(tenantRef, at(2, 5));
    await db.$transaction((tx) => runStatements(tx, directDb().dialect, expire.statements));
    expect(await days(tenantRef)).toEqual({ "3|ca-device-not-presented|devices": 1, "3|ca-device-not-presented|users": 1 });
    expect(await db.signInCauseDevice.count({ where: { tenantRef } })).toBe(1);

    // Deleting the tenant takes its day rows with it, whatever order the cascade goes in.
    await db.tenant.delete({ where: { id: tenantRef } });
    expect(await db.signInCauseDay.count({ where: { tenantRef } })).toBe(0);
  });
});

describe("reading a touched device's and user's latest sign-ins again (recomputeLatestStatements)", () => {
  it.runIf(process.env.JOINSCOPE_TEST_DATABASE !== "postgresql")(
    "goes through the device indexes and the user index, never the tenant's rows (SQLite's plan: it walked them by cause)",
    async () => {
      const [devices] = recomputeLatestStatements("tenant", { devices: new Set(["dev-a", "dev-b"]), users: new Set() }).filter((s) =>
        s.sql.includes("INSERT INTO"),
      );
      const plan = (await directDb().query<{ detail: string }>(`EXPLAIN QUERY PLAN ${devices!.sql}`, devices!.params)).map((r) => r.detail).join("\n");
      expect(plan).toMatch(/SignInEvent_tenantRef_machineDeviceId_createdDateTime_idx \(tenantRef=\? AND machineDeviceId=\?\)/);
      expect(plan).toMatch(/SignInEvent_tenantRef_deviceId_createdDateTime_idx \(tenantRef=\? AND deviceId=\?\)/);
      expect(plan).not.toMatch(/SignInEvent_tenantRef_cause_createdDateTime_idx|SCAN SignInEvent/);

      const [users] = recomputeLatestStatements("tenant", { devices: new Set(), users: new Set(["ann@contoso.com", "bob@contoso.com"]) }).filter((s) =>
        s.sql.includes("INSERT INTO"),
      );
      const userPlan = (await directDb().query<{ detail: string }>(`EXPLAIN QUERY PLAN ${users!.sql}`, users!.params)).map((r) => r.detail).join("\n");
      expect(userPlan).toMatch(/SignInEvent_tenantRef_userPrincipalName_createdDateTime_idx \(tenantRef=\? AND userPrincipalName=\?\)/);
      expect(userPlan).not.toMatch(/SignInEvent_tenantRef_cause_createdDateTime_idx|SCAN SignInEvent/);
    },
  );
});
