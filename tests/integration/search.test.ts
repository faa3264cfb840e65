/**
 * Issue 23, item 5: the header search and a user's page. Agents' uploads of the project's dsregcmd fixtures (their
 * executing accounts name the users), through ingestReport as the API does, and Graph objects written through the
 * sync's page writer, as in e2e/seed.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findUserDevices } from "@/lib/queries/find-user-devices";
import { nextPrefix, searchDevicesAndUsers } from "@/lib/queries/search-devices-and-users";
import { indexReportUsers } from "@/lib/signins/index-report-users";
import { writeDevicePage } from "@/lib/sync/write-device-page";
import { createTenantWithToken } from "../setup/factories";

const FIXTURES = join(import.meta.dirname, "../../lib/reports/fixtures");
const TENANT_ID = "9b4a1a97-6a87-46a9-9671-f9a62bdd307b";
const DAY = 24 * 3600_000;
/** PC-0466's capture ran as lee.gu@contoso.com; PC-0087's as megan.bowen@contoso.com. */
const DISABLED = {
  hostname: "PC-0466",
  fixture: "win11-24h2-hybrid-disabled.txt",
  objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02",
  deviceId: "74df6508-0658-4bb8-a70f-6f79c11fb95c",
};
const DELETED = { hostname: "PC-0087", fixture: "win10-21h1-hybrid-deleted.txt", deviceId: "52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b" };

let tenantRef: string;
let agent: { tokenId: string; tenantRef: string; tenantId: string };
const nowMs = Date.now();

async function upload(hostname: string, fixture: string, minutesAgo: number, replace: [string, string][] = []) {
  const captured = new Date(nowMs - minutesAgo * 60_000);
  let dsregcmd = readFileSync(join(FIXTURES, fixture), "utf8");
  for (const [from, to] of replace) dsregcmd = dsregcmd.replaceAll(from, to);
  const result = await ingestReport(db, {
    agent,
    body: { hostname, capturedAt: captured.toISOString(), agentVersion: "1.0.0", dsregcmd },
    now: new Date(captured.getTime() + 20_000),
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

beforeAll(async () => {
  const t = await createTenantWithToken(db, { tenantId: TENANT_ID, name: "Contoso" });
  tenantRef = t.tenantRef;
  agent = { tokenId: t.tokenId, tenantRef, tenantId: t.tenantId };
  await upload(DISABLED.hostname, DISABLED.fixture, 90);
  await upload(DISABLED.hostname, DISABLED.fixture, 30); // the same machine's next capture
  await upload(DELETED.hostname, DELETED.fixture, 20);
  // lee.gu also signs in on a second machine: PC-0466's capture re-addressed to PC-0470 with its own DeviceId.
  await upload("PC-0470", DISABLED.fixture, 10, [
    [DISABLED.deviceId, "3e0c7b1a-9d2f-4c58-8a6e-2f4b1d7c9e70"],
    ["PC-0466", "PC-0470"],
  ]);
  await flushFindingsQueue();
  await writeDevicePage(directDb(), {
    tenantRef,
    devices: [
      {
        id: DISABLED.objectId,
        deviceId: DISABLED.deviceId,
        displayName: DISABLED.hostname,
        accountEnabled: false,
        trustType: "ServerAd",
        operatingSystem: "Windows",
        profileType: "RegisteredDevice",
        alternativeSecurityIds: [],
        registrationDateTime: new Date(nowMs - 400 * DAY).toISOString(),
        onPremisesSyncEnabled: true,
      } as unknown as GraphDevice,
    ],
    mode: "full",
    now: new Date(nowMs - DAY),
    syncRunRef: "test",
  });
  await reevaluateAllFindings(db, tenantRef, new Date(nowMs));
});

describe("the header search", () => {
  it("finds users by the start of the UPN their reports were captured under, once each, at upload (no sign-in pull needed)", async () => {
    const result = await searchDevicesAndUsers(directDb(), { tenantRef, q: "  Lee.G " });
    expect(result.users).toEqual(["lee.gu@contoso.com"]);
    expect(result.moreUsers).toBe(false);
    expect((await searchDevicesAndUsers(directDb(), { tenantRef, q: "megan.bowen@contoso.com" })).users).toEqual(["megan.bowen@contoso.com"]);
    expect((await searchDevicesAndUsers(directDb(), { tenantRef, q: "contoso" })).users).toEqual([]);
    // lee.gu has three reports on two machines: the skip scan lists the user once.
    const all = await searchDevicesAndUsers(directDb(), { tenantRef, q: "l", limit: 1 });
    expect(all.users).toEqual(["lee.gu@contoso.com"]);
    expect(all.moreUsers).toBe(false);
  });

  it("says when more users match than it lists", async () => {
    await upload("PC-0471", DISABLED.fixture, 5, [
      [DISABLED.deviceId, "3e0c7b1a-9d2f-4c58-8a6e-2f4b1d7c9e71"],
      ["PC-0466", "PC-0471"],
      ["lee.gu", "lee.gunnar"],
    ]);
    const result = await searchDevicesAndUsers(directDb(), { tenantRef, q: "lee", limit: 1 });
    expect(result.users).toEqual(["lee.gu@contoso.com"]);
    expect(result.moreUsers).toBe(true);
    expect((await searchDevicesAndUsers(directDb(), { tenantRef, q: "lee" })).users).toEqual(["lee.gu@contoso.com", "lee.gunnar@contoso.com"]);
  });

  it("finds devices by part of a name, a whole DeviceId or objectId, with their state and primary cause", async () => {
    const byName = await searchDevicesAndUsers(directDb(), { tenantRef, q: "0466" });
    expect(byName.devices.map((d) => [d.name, d.state, d.primaryRule])).toEqual([["PC-0466", "disabled", "object-disabled"]]);
    const byDeviceId = await searchDevicesAndUsers(directDb(), { tenantRef, q: DISABLED.deviceId.toUpperCase() });
    expect(byDeviceId.devices.map((d) => d.subjectKey)).toEqual([`d:${DISABLED.deviceId}`]);
    const byObjectId = await searchDevicesAndUsers(directDb(), { tenantRef, q: DISABLED.objectId });
    expect(byObjectId.devices.map((d) => d.objectId)).toEqual([DISABLED.objectId]);
    const limited = await searchDevicesAndUsers(directDb(), { tenantRef, q: "pc-04", limit: 2 });
    expect(limited.devices).toHaveLength(2);
    expect(limited.moreDevices).toBe(true);
    expect((await searchDevicesAndUsers(directDb(), { tenantRef, q: "100%_" })).devices).toEqual([]);
    expect(await searchDevicesAndUsers(directDb(), { tenantRef, q: "   " })).toEqual({ q: "", devices: [], moreDevices: false, users: [], moreUsers: false });
  });
});

describe("a user's page", () => {
  it("lists the machines the user signs in on, newest first, with how many of their reports each holds", async () => {
    const user = await findUserDevices(directDb(), { tenantRef, userPrincipalName: "LEE.GU@contoso.com" });
    expect(user.devices.map((d) => [d.name, d.subjectKey, d.state, d.reports])).toEqual([
      ["PC-0470", "d:3e0c7b1a-9d2f-4c58-8a6e-2f4b1d7c9e70", "report-only", 1],
      ["PC-0466", `d:${DISABLED.deviceId}`, "disabled", 2],
    ]);
    expect(user.devices[1]!.primaryRule).toBe("object-disabled");
    expect((await findUserDevices(directDb(), { tenantRef, userPrincipalName: "nobody@contoso.com" })).devices).toEqual([]);
  });

  it("the sign-in pull's indexer adds nothing twice for reports the upload already indexed", async () => {
    const before = await db.reportUser.count({ where: { tenantRef } });
    await indexReportUsers(directDb(), { tenantRef, since: null, until: new Date(nowMs + DAY) });
    expect(await db.reportUser.count({ where: { tenantRef } })).toBe(before);
    // One per stored report: PC-0466's two uploads said the same and are one report of two uploads (decision 013).
    expect(before).toBe(4);
  });
});

describe("nextPrefix", () => {
  it("bounds every string that starts with the prefix", () => {
    expect(nextPrefix("lee")).toBe("lef");
    expect("lee.gu@contoso.com" < nextPrefix("lee")).toBe(true);
    expect("lef" < nextPrefix("lee")).toBe(false);
  });
});
