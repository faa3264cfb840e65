/**
 * What the loader (lib/findings/load-subject-context.ts) gives each subject besides its own object: the other
 * objects of the same machine. Personal devices share names by the thousand ("iPhone", "Yuki's MacBookPro18,3"),
 * so a namesake is another machine unless the hardware ids agree; only a Windows computer's name identifies it.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { loadSubjectContext, type SubjectScope } from "@/lib/findings/load-subject-context";
import { readDirectoryObjects } from "@/lib/findings/read-directory-objects";
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

describe("the directory objects a pass reads", () => {
  // The Graph device object of a hybrid joined PC (two X509 keys: re-registered in place) and a Pending one.
  async function contoso() {
    const { buildAlternativeSecurityIdKey } = await import("@/simulator/generate-tenant");
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const key = (thumbprint: string) => ({ type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey(thumbprint, Buffer.alloc(32, 7)) });
    const hybrid = {
      tenantRef,
      objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e01",
      deviceId: "dd5ac0a8-cb5f-461e-9269-2502cbabc065",
      displayName: "PC-0142",
      accountEnabled: true,
      trustType: "ServerAd",
      profileType: "RegisteredDevice",
      registrationDateTime: new Date("2024-11-05T08:42:41.000Z"),
      approximateLastSignInDateTime: new Date("2026-12-01T09:15:00.500Z"),
      operatingSystem: "Windows",
      operatingSystemVersion: "10.0.26100.2605",
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: new Date("2026-12-07T06:00:00.000Z"),
      physicalIds: ["[USER-HWID]:6e4cbe68-588b-499c-8c04-dcfff140a1ca:6825794768524310", "[HWID]:h:6825794768524310"],
      alternativeSecurityIds: [key("1111111111111111111111111111111111111111"), key("0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C")],
      thumbprint: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
      hardwareId: "6825794768524310",
      isPending: false,
      hasBitlockerKeys: true,
      hasLapsPassword: false,
      isManaged: true,
      isCompliant: false,
      mdmAppId: "0000000a-0000-0000-c000-000000000000",
      otherProperties: {},
    };
    // Synced by Entra Connect, never registered: no key, no registration time; deleted since.
    const pending = {
      tenantRef,
      objectId: "9a0d2f6c-8e1b-4a57-b1d5-e2a7c3f4e8b0",
      deviceId: "4b1d5e2a-7c3f-4e8b-9a0d-2f6c8e1b3a57",
      displayName: "PC-0200.corp.contoso.com",
      accountEnabled: true,
      trustType: "ServerAd",
      isPending: true,
      deletedAt: new Date("2026-12-06T22:00:00.000Z"),
      deletedReason: "deleted",
      otherProperties: {},
    };
    await db.directoryDevice.createMany({ data: [hybrid, pending] });
    return { tenantRef, hybrid, pending };
  }

  it("gives the rules each column as the object says it, whether read in full or by id", async () => {
    const { tenantRef, hybrid, pending } = await contoso();
    const expected = [
      {
        objectId: hybrid.objectId,
        deviceId: hybrid.deviceId,
        displayName: "PC-0142",
        accountEnabled: true,
        trustType: "ServerAd",
        profileType: "RegisteredDevice",
        registrationDateTime: "2024-11-05T08:42:41.000Z",
        approximateLastSignInDateTime: "2026-12-01T09:15:00.500Z",
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.26100.2605",
        onPremisesSyncEnabled: true,
        onPremisesLastSyncDateTime: "2026-12-07T06:00:00.000Z",
        physicalIds: hybrid.physicalIds,
        thumbprint: "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C",
        hasX509: true,
        thumbprints: ["1111111111111111111111111111111111111111", "0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C"],
        hardwareId: "6825794768524310",
        isPending: false,
        hasBitlockerKeys: true,
        hasLapsPassword: false,
        deletedAt: null,
        deletedReason: null,
        isManaged: true,
        isCompliant: false,
        mdmAppId: "0000000a-0000-0000-c000-000000000000",
      },
      {
        objectId: pending.objectId,
        deviceId: pending.deviceId,
        displayName: "PC-0200.corp.contoso.com",
        accountEnabled: true,
        trustType: "ServerAd",
        profileType: null,
        registrationDateTime: null,
        approximateLastSignInDateTime: null,
        operatingSystem: null,
        operatingSystemVersion: null,
        onPremisesSyncEnabled: null,
        onPremisesLastSyncDateTime: null,
        physicalIds: null,
        thumbprint: null,
        hasX509: false,
        hardwareId: null,
        isPending: true,
        hasBitlockerKeys: null,
        hasLapsPassword: null,
        deletedAt: "2026-12-06T22:00:00.000Z",
        deletedReason: "deleted",
        isManaged: null,
        isCompliant: null,
        mdmAppId: null,
      },
    ];
    const direct = directDb();
    const byObject = (objects: { objectId: string }[]) => [...objects].sort((a, b) => a.objectId.localeCompare(b.objectId));
    expect(byObject(await readDirectoryObjects(direct, tenantRef, "all"))).toEqual(byObject(expected));
    expect(await readDirectoryObjects(direct, tenantRef, { objectIds: [pending.objectId] })).toEqual([expected[1]]);
    expect(await readDirectoryObjects(direct, tenantRef, { deviceIds: [hybrid.deviceId, hybrid.deviceId] })).toEqual([expected[0]]);
  });

  it("reads the objects in scope and every object of the same machine, by hardware id or short name, of this tenant only", async () => {
    const { tenantRef, hybrid, pending } = await contoso();
    const windows = (displayName: string, hardwareId: string | null) =>
      makeObject(tenantRef, { displayName, hardwareId, trustType: "Workplace", operatingSystem: "Windows" });
    const sameHardware = windows("DESKTOP-7QK2M1", hybrid.hardwareId);
    const sameName = windows(" pc-0142.contoso.local ", null);
    const pendingsNamesake = windows("Pc-0200", null);
    const unrelated = windows("PC-0143", "6825794768524311");
    await db.directoryDevice.createMany({ data: [sameHardware, sameName, pendingsNamesake, unrelated] });
    // Another tenant's object of the same name and hardware is not this tenant's.
    const other = await createTenantWithToken(db, { tenantId: randomUUID() });
    await db.directoryDevice.create({
      data: makeObject(other.tenantRef, { displayName: "PC-0142", hardwareId: hybrid.hardwareId, operatingSystem: "Windows" }),
    });

    const direct = directDb();
    const ids = async (scope: Parameters<typeof readDirectoryObjects>[2]) =>
      (await readDirectoryObjects(direct, tenantRef, scope)).map((o) => o.objectId).sort();
    expect(await ids({ deviceIds: [hybrid.deviceId] })).toEqual([hybrid.objectId, sameHardware.objectId, sameName.objectId].sort());
    expect(await ids({ objectIds: [pending.objectId] })).toEqual([pending.objectId, pendingsNamesake.objectId].sort());
    // A report's host name, as dsregcmd prints it (any case, with its DNS suffix), finds the machine's objects by name.
    expect(await ids({ hostnames: ["PC-0143.CORP.CONTOSO.COM"] })).toEqual([unrelated.objectId]);
    expect(await ids({ hostnames: ["pc-0200"], deviceIds: [randomUUID()] })).toEqual([pending.objectId, pendingsNamesake.objectId].sort());
    expect(await ids({})).toEqual([]);
  });
});
