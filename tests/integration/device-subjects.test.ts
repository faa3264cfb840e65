/**
 * What the loader (lib/findings/load-device-subjects.ts) gives each subject besides its own object: the other
 * objects of the same machine. Personal devices share names by the thousand ("iPhone", "Yuki's MacBookPro18,3"),
 * so a namesake whose hardware id differs is another machine, not context for this one.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { loadSubjectContext } from "@/lib/findings/load-device-subjects";
import { reevaluateFindings } from "@/lib/findings/reevaluate-findings";
import { createTenantWithToken } from "../setup/factories";

const NAME = "Yuki's MacBookPro18,3";

describe("device subjects", () => {
  it("carries the objects of the same machine, not every namesake", async () => {
    const { tenantRef } = await createTenantWithToken(db, { tenantId: randomUUID() });
    const registered = new Date("2026-10-01T08:00:00Z");
    const object = (hardwareId: string | null, trustType = "Workplace") => ({
      tenantRef,
      objectId: randomUUID(),
      deviceId: randomUUID(),
      displayName: NAME,
      accountEnabled: true,
      trustType,
      registrationDateTime: registered,
      approximateLastSignInDateTime: registered,
      operatingSystem: "MacMDM",
      hardwareId,
      otherProperties: {},
    });
    const mine = object("HW-MINE");
    const sameHardware = object("HW-MINE", "AzureAd");
    const unknownHardware = object(null);
    const namesakes = Array.from({ length: 40 }, (_, i) => object(`HW-OTHER-${i}`));
    await db.directoryDevice.createMany({ data: [mine, sameHardware, unknownHardware, ...namesakes] });

    const context = await loadSubjectContext({ tenantRef, scope: "all" });
    const subjects = (await context.build(context.keys)).map((s) => s.load());
    const others = (deviceId: string) => subjects.find((s) => s.deviceId === deviceId)!.subject.otherObjects.map((o) => o.objectId).sort();
    expect(others(mine.deviceId)).toEqual([sameHardware.objectId, unknownHardware.objectId].sort());
    // A namesake with a hardware id of its own: only the object whose hardware id is unknown may be the same machine.
    expect(others(namesakes[0]!.deviceId)).toEqual([unknownHardware.objectId]);
    // Without a hardware id, every namesake may be the same machine.
    expect(others(unknownHardware.deviceId)).toHaveLength(42);

    // The duplicate rule sees the same: this machine has three objects; a namesake is one machine with at most the
    // unknown-hardware object, never forty.
    await reevaluateFindings(db, { tenantRef, scope: "all" });
    const duplicates = await db.finding.findMany({ where: { tenantRef, rule: "duplicate-device", status: "open" }, select: { objectId: true, title: true } });
    const title = (objectId: string) => duplicates.find((d) => d.objectId === objectId)?.title;
    expect(title(mine.objectId)).toBe("3 device objects for this machine");
    expect(title(namesakes[0]!.objectId)).toBe("2 device objects for this machine");
  });
});
