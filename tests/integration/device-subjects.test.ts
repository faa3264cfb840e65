/**
 * What the loader (lib/findings/load-subject-context.ts) gives each subject besides its own object: the other
 * objects of the same machine. Personal devices share names by the thousand ("iPhone", "Yuki's MacBookPro18,3"),
 * so a namesake is another machine unless the hardware ids agree; only a Windows computer's name identifies it.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { loadSubjectContext, type SubjectScope } from "@/lib/findings/load-subject-context";
import { reevaluateFindings } from "@/lib/findings/findings-scheduler";
import { createTenantWithToken } from "../setup/factories";

const registered = new Date("2026-10-01T08:00:00Z");

function makeObject(tenantRef: string, fields: { displayName: string; hardwareId: string | null; trustType?: string; operatingSystem: string }) {
  return {
    tenantRef,
    objectId: randomUUID(),
    deviceId: randomUUID(),
    accountEnabled: true,
    trustType: "Workplace",
    registrationDateTime: registered,
    approximateLastSignInDateTime: registered,
    otherProperties: {},
    ...fields,
  };
}

async function subjectsOf(tenantRef: string, scope: SubjectScope = "all") {
  const context = await loadSubjectContext({ tenantRef, scope });
  const subjects = (await context.build(context.keys)).map((s) => s.load());
  return (deviceId: string) =>
    subjects
      .find((s) => s.deviceId === deviceId)!
      .subject.otherObjects.map((o) => o.objectId)
      .sort();
}

async function openDuplicates(tenantRef: string) {
  await reevaluateFindings({ tenantRef, scope: "all" });
  const duplicates = await db.finding.findMany({ where: { tenantRef, rule: "duplicate-device", status: "open" }, select: { objectId: true, title: true } });
  return { count: duplicates.length, title: (objectId: string) => duplicates.find((d) => d.objectId === objectId)?.title };
}

describe("device subjects", () => {
  it("carries a personal device's objects by hardware id, not its namesakes", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const mac = (hardwareId: string | null, trustType = "Workplace") =>
      makeObject(tenantRef, { displayName: "Yuki's MacBookPro18,3", hardwareId, trustType, operatingSystem: "MacMDM" });
    const mine = mac("HW-MINE");
    const sameHardware = mac("hw-mine", "AzureAd");
    const unknownHardware = mac(null);
    const namesakes = Array.from({ length: 40 }, (_, i) => mac(`HW-OTHER-${i}`));
    await db.directoryDevice.createMany({ data: [mine, sameHardware, unknownHardware, ...namesakes] });

    const others = await subjectsOf(tenantRef);
    expect(others(mine.deviceId)).toEqual([sameHardware.objectId]);
    // A Mac's name is not its identity: the object without a hardware id is nobody's duplicate.
    expect(others(namesakes[0]!.deviceId)).toEqual([]);
    expect(others(unknownHardware.deviceId)).toEqual([]);

    // One finding, for the one machine with two objects; none for the forty namesakes.
    const duplicates = await openDuplicates(tenantRef);
    expect(duplicates.title(mine.objectId)).toBe("2 device objects for this machine");
    expect(duplicates.count).toBe(2);
  });

  it("carries a Windows computer's objects by name when a hardware id is missing, in any case and with a DNS suffix", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const windows = (displayName: string, hardwareId: string | null, trustType: string) =>
      makeObject(tenantRef, { displayName, hardwareId, trustType, operatingSystem: "Windows" });
    const hybrid = windows("PC-0142", "HW-0142", "ServerAd");
    const registeredLeftover = windows("pc-0142.corp.contoso.com", null, "Workplace");
    const otherMachine = windows("PC-0142", "HW-9999", "ServerAd");
    await db.directoryDevice.createMany({ data: [hybrid, registeredLeftover, otherMachine] });

    const others = await subjectsOf(tenantRef);
    expect(others(hybrid.deviceId)).toEqual([registeredLeftover.objectId]);
    expect(others(registeredLeftover.deviceId)).toEqual([hybrid.objectId, otherMachine.objectId].sort());
    // An incremental pass (after an upload or a delta sync) finds the same objects as the full one.
    for (const object of [hybrid, registeredLeftover]) {
      expect((await subjectsOf(tenantRef, { deviceIds: [object.deviceId] }))(object.deviceId)).toEqual(others(object.deviceId));
    }
    const duplicates = await openDuplicates(tenantRef);
    expect(duplicates.title(hybrid.objectId)).toBe("Hybrid joined and registered (dual state)");
  });
});

describe("device subjects' certificates", () => {
  // A device re-registered in place can hold several X509 keys; the report's certificate may be any of them.
  it("gives the rules every X509 thumbprint of an object with several keys", async () => {
    const { buildAlternativeSecurityIdKey } = await import("@/simulator/generate-tenant");
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const key = (thumbprint: string) => ({ type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey(thumbprint, Buffer.alloc(32, 3)) });
    const first = "1111111111111111111111111111111111111111";
    const second = "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C";
    const object = {
      ...makeObject(tenantRef, { displayName: "PC-0142", hardwareId: "HW-1", trustType: "AzureAd", operatingSystem: "Windows" }),
      thumbprint: first,
      alternativeSecurityIds: [key(first), key(second)],
    };
    const single = {
      ...makeObject(tenantRef, { displayName: "PC-0143", hardwareId: "HW-2", trustType: "AzureAd", operatingSystem: "Windows" }),
      thumbprint: first,
      alternativeSecurityIds: [key(first)],
    };
    await db.directoryDevice.createMany({ data: [object, single] });
    const context = await loadSubjectContext({ tenantRef, scope: "all" });
    const subjects = (await context.build(context.keys)).map((s) => s.load());
    const directory = (deviceId: string) => subjects.find((s) => s.deviceId === deviceId)!.subject.directory!;
    expect(directory(object.deviceId).thumbprints).toEqual([first, second]);
    expect(directory(single.deviceId).thumbprints).toBeUndefined();
    expect(directory(single.deviceId).hasX509).toBe(true);
  });
});
