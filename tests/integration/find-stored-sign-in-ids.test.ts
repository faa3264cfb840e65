/**
 * The sign-in row's key (migration 20261214300000, decision 044) on SQLite and PostgreSQL: a sign-in is unique by its
 * tenant, time and Graph id; the pull's insert skips one it stored already (its ON CONFLICT target is that key), and
 * its lookup of a page's stored ids (findStoredSignInIds) reads the key within the page's times. Rows shaped like the
 * pull's (lib/signins/sign-in-row.ts), for sign-ins as Graph's log lists them (a GUID id, a time to the second).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb, insertStatements } from "@/lib/db/direct";
import { findStoredSignInIds } from "@/lib/signins/find-stored-sign-in-ids";
import { SIGN_IN_EVENT_COLUMNS } from "@/lib/signins/sign-in-row";
import { timeOrderedId } from "@/lib/db/time-ordered-id";
import { createTenant } from "@/lib/tenants/create-tenant";

let tenantRef: string;

/** A stored blocked sign-in: Chrome without the extension on Windows, as the pull writes it. */
function row(signInId: string, createdDateTime: string) {
  return {
    id: timeOrderedId(),
    tenantRef,
    signInId,
    createdDateTime: new Date(createdDateTime),
    userPrincipalName: "adele.vance@contoso.com",
    userDisplayName: "Adele Vance",
    appDisplayName: "OfficeHome",
    clientAppUsed: "Browser",
    browser: "Chrome 122.0.0",
    operatingSystem: "Windows10",
    errorCode: 53000,
    conditionalAccessStatus: "failure",
    deviceId: null,
    deviceDisplayName: null,
    trustType: null,
    machineDeviceId: null,
    machineHostname: null,
    linkedBy: "none",
    cause: "ca-device-not-presented",
    causeLabel: "Chrome without the Microsoft Single Sign On extension",
    causeTitle: "No device presented: Chrome without the Microsoft Single Sign On extension",
    severity: "high",
    findings: "[]",
    signIn: "{}",
    evaluatedAt: new Date(),
  };
}

const insert = (rows: ReturnType<typeof row>[]) =>
  directDb().batch(
    insertStatements(directDb().dialect, "SignInEvent", SIGN_IN_EVENT_COLUMNS, rows, { target: ["tenantRef", "createdDateTime", "signInId"], nothing: true }),
  );

const A = { id: "6f2d1c7a-3b9e-4c1d-8a5f-0e7b2c4d9a11", createdDateTime: "2026-12-03T09:14:27Z" };
const B = { id: "0b8e5a2f-7c4d-4e9a-b1f3-5d6c8e2a7f40", createdDateTime: "2026-12-03T09:20:05Z" };
const C = { id: "d41c9e7b-2a5f-4b8e-9c3d-7e1f0a6b5c82", createdDateTime: "2026-12-03T09:31:48Z" };

beforeAll(async () => {
  const t = await createTenant(db, { tenantId: "3c1f8a2e-9d4b-4e7a-b5c6-1f2e3d4c5b6a", name: "Contoso sign-in keys", actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  tenantRef = t.id;
  await insert([row(A.id, A.createdDateTime), row(B.id, B.createdDateTime)]);
});

afterAll(async () => {
  await db.tenant.delete({ where: { id: tenantRef } });
});

describe("the sign-in row's key", () => {
  it("the pull's insert skips a sign-in stored already (same time and id) and keeps the first row", async () => {
    await insert([{ ...row(A.id, A.createdDateTime), causeTitle: "a second copy" }]);
    const rows = await directDb().query<{ causeTitle: string }>(`SELECT "causeTitle" FROM "SignInEvent" WHERE "tenantRef" = ? AND "signInId" = ?`, [
      tenantRef,
      A.id,
    ]);
    expect(rows.map((r) => r.causeTitle)).toEqual(["No device presented: Chrome without the Microsoft Single Sign On extension"]);
  });

  it("findStoredSignInIds names the page's sign-ins stored already, and only those", async () => {
    const known = await findStoredSignInIds(directDb(), { tenantRef, events: [A, C, B] });
    expect([...known].sort()).toEqual([A.id, B.id].sort());
    expect(await findStoredSignInIds(directDb(), { tenantRef, events: [C] })).toEqual(new Set());
    expect(await findStoredSignInIds(directDb(), { tenantRef, events: [] })).toEqual(new Set());
    // Another tenant's lookup sees none of them.
    expect(await findStoredSignInIds(directDb(), { tenantRef: "another-tenant", events: [A, B] })).toEqual(new Set());
  });

  it.runIf(process.env.JOINSCOPE_TEST_DATABASE !== "postgresql")("reads the key within the page's times, not a scan (SQLite's plan)", async () => {
    const plan = (
      await directDb().query<{ detail: string }>(
        `EXPLAIN QUERY PLAN SELECT "signInId" FROM "SignInEvent" WHERE "tenantRef" = ? AND "createdDateTime" >= ? AND "createdDateTime" <= ? AND "signInId" IN (?, ?)`,
        [tenantRef, new Date(A.createdDateTime), new Date(B.createdDateTime), A.id, B.id],
      )
    )
      .map((r) => r.detail)
      .join("\n");
    expect(plan).toMatch(/SignInEvent_tenantRef_createdDateTime_signInId_key/);
  });
});
