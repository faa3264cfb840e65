/**
 * Issue 23 item 9, the acknowledgement lifecycle, on a directory written by hand (two Entra-joined objects, the second
 * disabled) and full findings passes at set times: an expiry ("until Friday") that the first pass after it clears, an
 * undo, a ticket, the Devices list's bulk acknowledgement through the same code, and one timeline entry per action.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb, insertStatements } from "@/lib/db/direct";
import { FINDING_COLUMNS } from "@/lib/db/finding-columns";
import { acknowledgeDeviceFindings } from "@/lib/findings/acknowledge-device-findings";
import { acknowledgeFinding } from "@/lib/findings/acknowledge-finding";
import { acknowledgeFindings } from "@/lib/findings/acknowledge-findings";
import { reevaluateFindings } from "@/lib/findings/findings-scheduler";
import { undoAcknowledgement } from "@/lib/findings/undo-acknowledgement";
import { getDeviceTimeline } from "@/lib/queries/get-device-timeline";
import { parseSubjectKey } from "@/lib/rules/subject-key";
import { createTenant } from "@/lib/tenants/create-tenant";

// A Wednesday: "until Friday" is 2026-03-06, and the acknowledgement lapses at 2026-03-07T00:00Z.
const t0 = new Date("2026-03-04T08:00:00.000Z");
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);

async function makeTenant() {
  const t = await createTenant(db, { tenantId: randomUUID(), name: "Fabrikam", actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  await db.tenant.update({ where: { id: t.id }, data: { lastSyncAt: t0 } });
  for (const n of [1, 2]) {
    await db.directoryDevice.create({
      data: {
        tenantRef: t.id,
        objectId: `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`,
        deviceId: `1111111${n}-2222-4333-8444-555555555555`,
        displayName: `PC-000${n}`,
        accountEnabled: n === 1,
        trustType: "AzureAd",
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.22631.4890",
        registrationDateTime: new Date("2025-01-10T09:00:00.000Z"),
        approximateLastSignInDateTime: at(-2),
        otherProperties: {},
      },
    });
  }
  await reevaluateFindings({ tenantRef: t.id, scope: "all", now: at(0) });
  const disabled = await db.finding.findFirstOrThrow({ where: { tenantRef: t.id, rule: "object-disabled" } });
  return { tenantRef: t.id, disabled };
}

const history = (findingRef: string) =>
  db.findingEvent.findMany({ where: { findingRef }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { kind: true, actor: true, detail: true } });

async function timeline(tenantRef: string, subjectKey: string, deviceId: string) {
  const subject = parseSubjectKey(subjectKey)!;
  return getDeviceTimeline(db, { tenantRef, subject, deviceId, objects: [] });
}

describe("acknowledgement lifecycle", () => {
  it("an acknowledgement until Friday holds through Friday and the first pass after it reopens the finding, saying so on the timeline", async () => {
    const { tenantRef, disabled } = await makeTenant();
    const ack = await acknowledgeFinding(
      db,
      { findingId: disabled.id, comment: "Kiosk parked for the move", ticket: "CHG-2417", until: "2026-03-06", actor: "ops@contoso.com" },
      at(1),
    );
    expect(ack).toMatchObject({ ok: true, until: new Date("2026-03-07T00:00:00.000Z") });
    expect(await db.finding.findUniqueOrThrow({ where: { id: disabled.id } })).toMatchObject({
      acknowledgedBy: "ops@contoso.com",
      ackComment: "Kiosk parked for the move (CHG-2417)",
      ackTicket: "CHG-2417",
      ackUntil: new Date("2026-03-07T00:00:00.000Z"),
    });

    // Friday 23:00 UTC: still acknowledged.
    const friday = await reevaluateFindings({ tenantRef, scope: "all", now: new Date("2026-03-06T23:00:00.000Z") });
    expect(friday.ackExpired).toBe(0);
    expect((await db.finding.findUniqueOrThrow({ where: { id: disabled.id } })).acknowledgedAt).not.toBeNull();

    // Saturday: an incremental pass over another device is "the next pass" all the same.
    const saturday = await reevaluateFindings({
      tenantRef,
      scope: { deviceIds: ["11111111-2222-4333-8444-555555555555"] },
      now: new Date("2026-03-07T00:10:00.000Z"),
    });
    expect(saturday.ackExpired).toBe(1);
    expect(await db.finding.findUniqueOrThrow({ where: { id: disabled.id } })).toMatchObject({
      status: "open",
      acknowledgedAt: null,
      acknowledgedBy: null,
      ackComment: null,
      ackTicket: null,
      ackUntil: null,
    });
    const kinds = (await history(disabled.id)).map((h) => h.kind);
    expect(kinds).toEqual(["opened", "acknowledged", "ack-expired"]);

    // The timeline: one entry for the acknowledgement (not also its audit entry), one for the expiry.
    const entries = await timeline(tenantRef, disabled.subjectKey, disabled.deviceId!);
    const about = entries.filter((e) => e.summary.includes("object-disabled") || e.summary.startsWith("Audit: finding."));
    expect(about.map((e) => e.summary)).toEqual([
      "Acknowledgement expired, finding open again: Device object disabled (object-disabled)",
      "Finding acknowledged: Device object disabled (object-disabled) by ops@contoso.com",
      "Finding opened: Device object disabled (object-disabled)",
    ]);
    expect(about[0]!.detail.find((d) => d.label === "Why")?.value).toBe(
      "ops@contoso.com's acknowledgement expired (Kiosk parked for the move (CHG-2417)): the finding is open again",
    );
    expect(about[1]!.detail.find((d) => d.label === "Comment")?.value).toBe("Kiosk parked for the move (CHG-2417) · until 2026-03-06");
    // The audit log keeps the acknowledgement with its ticket and expiry.
    const audit = await db.auditLog.findFirstOrThrow({ where: { tenantRef, target: disabled.id, action: "finding.acknowledge" } });
    expect(audit.detail).toEqual({
      rule: "object-disabled",
      subjectKey: disabled.subjectKey,
      comment: "Kiosk parked for the move",
      ticket: "CHG-2417",
      until: "2026-03-07T00:00:00.000Z",
    });

    // A second pass has nothing left to expire.
    expect((await reevaluateFindings({ tenantRef, scope: "all", now: new Date("2026-03-07T06:00:00.000Z") })).ackExpired).toBe(0);
  });

  it("undo withdraws the acknowledgement at once, once, with one timeline entry and an audit entry", async () => {
    const { tenantRef, disabled } = await makeTenant();
    expect((await acknowledgeFinding(db, { findingId: disabled.id, comment: "Known", until: "2026-03-20", actor: "a@contoso.com" }, at(1))).ok).toBe(true);
    // Acknowledging again is refused, naming who did: undo first.
    expect(await acknowledgeFinding(db, { findingId: disabled.id, comment: "Again", actor: "b@contoso.com" }, at(2))).toMatchObject({
      ok: false,
      error: { code: "already-acknowledged", message: expect.stringContaining("a@contoso.com already acknowledged") },
    });
    // Another tenant's admin cannot undo it.
    expect((await undoAcknowledgement(db, { tenantRef: randomUUID(), findingId: disabled.id, actor: "x" }, at(2))).ok).toBe(false);

    expect(await undoAcknowledgement(db, { tenantRef, findingId: disabled.id, actor: "b@contoso.com" }, at(3))).toEqual({ ok: true });
    expect(await db.finding.findUniqueOrThrow({ where: { id: disabled.id } })).toMatchObject({ acknowledgedAt: null, ackUntil: null, ackComment: null });
    expect(await undoAcknowledgement(db, { tenantRef, findingId: disabled.id, actor: "b@contoso.com" }, at(4))).toMatchObject({
      ok: false,
      error: { code: "not-acknowledged" },
    });
    expect(await history(disabled.id)).toEqual([
      { kind: "opened", actor: null, detail: disabled.title },
      { kind: "acknowledged", actor: "a@contoso.com", detail: "Known · until 2026-03-20" },
      { kind: "unacknowledged", actor: "b@contoso.com", detail: "a@contoso.com's acknowledgement withdrawn" },
    ]);
    const audits = await db.auditLog.findMany({ where: { tenantRef, target: disabled.id }, orderBy: { at: "asc" }, select: { action: true, actor: true } });
    expect(audits).toEqual([
      { action: "finding.acknowledge", actor: "a@contoso.com" },
      { action: "finding.unacknowledge", actor: "b@contoso.com" },
    ]);
    const summaries = (await timeline(tenantRef, disabled.subjectKey, disabled.deviceId!)).map((e) => e.summary);
    expect(summaries.filter((s) => s.startsWith("Acknowledgement undone"))).toEqual([
      "Acknowledgement undone: Device object disabled (object-disabled) by b@contoso.com",
    ]);
    expect(summaries.filter((s) => s.startsWith("Audit: finding."))).toEqual([]);

    // The expiry went with the undo: a pass after the old date expires nothing.
    expect((await reevaluateFindings({ tenantRef, scope: "all", now: new Date("2026-03-25T00:00:00.000Z") })).ackExpired).toBe(0);
    // And it can be acknowledged again.
    expect((await acknowledgeFinding(db, { findingId: disabled.id, comment: "Again", actor: "b@contoso.com" }, at(5))).ok).toBe(true);
  });

  it("refuses an expiry in the past, a year away or not a date, writing nothing", async () => {
    const { tenantRef, disabled } = await makeTenant();
    for (const [until, message] of [
      ["2026-03-03", "The expiry date has passed"],
      ["2027-04-01", "at most 366 days"],
      ["2026-02-30", "is not a date"],
      ["Friday", "as a date"],
    ] as const) {
      const r = await acknowledgeFindings(db, { tenantRef, actor: "a", comment: "c", until, findingIds: [disabled.id] }, at(1));
      expect(r).toMatchObject({ ok: false, error: { code: "invalid-input", message: expect.stringContaining(message) } });
    }
    // Today is fine: it holds through today.
    const today = await acknowledgeFindings(db, { tenantRef, actor: "a", comment: "c", until: "2026-03-04", findingIds: [disabled.id] }, at(1));
    expect(today).toMatchObject({ ok: true, acknowledged: 1, until: new Date("2026-03-05T00:00:00.000Z") });
    expect(await db.findingEvent.count({ where: { findingRef: disabled.id, kind: "acknowledged" } })).toBe(1);
  });

  it("the Devices list's bulk acknowledgement is the same write: ticket, expiry, an event and an audit entry per finding", async () => {
    const { tenantRef, disabled } = await makeTenant();
    const open = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { id: true, subjectKey: true } });
    const devices = [...new Set(open.map((f) => f.subjectKey))];
    const r = await acknowledgeDeviceFindings(
      db,
      { tenantRef, subjectKeys: devices, comment: "Re-imaging Friday", ticket: "INC-77", until: "2026-03-06", actor: "ops@contoso.com" },
      at(1),
    );
    expect(r).toEqual({ ok: true, acknowledged: open.length, devices: devices.length });
    const rows = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { ackTicket: true, ackUntil: true, ackComment: true } });
    expect(
      rows.every((f) => f.ackTicket === "INC-77" && f.ackUntil?.toISOString() === "2026-03-07T00:00:00.000Z" && f.ackComment === "Re-imaging Friday (INC-77)"),
    ).toBe(true);
    expect(await db.findingEvent.count({ where: { tenantRef, kind: "acknowledged" } })).toBe(open.length);
    expect(await db.auditLog.count({ where: { tenantRef, action: "finding.acknowledge" } })).toBe(open.length);
    // Nothing left: not an error for the Devices list.
    expect(await acknowledgeDeviceFindings(db, { tenantRef, subjectKeys: devices, comment: "again", actor: "x" }, at(2))).toEqual({
      ok: true,
      acknowledged: 0,
      devices: 0,
    });
    // All lapse together on the first pass of Saturday.
    expect((await reevaluateFindings({ tenantRef, scope: "all", now: new Date("2026-03-07T01:00:00.000Z") })).ackExpired).toBe(open.length);
    expect(await db.finding.count({ where: { tenantRef, status: "open", acknowledgedAt: null } })).toBe(open.length);
    expect(disabled.status).toBe("open");
  });
});

describe("acknowledgements refused, and what each answer says", () => {
  it("acknowledgeFinding: an unknown id, another tenant's finding, a resolved one and an acknowledged one, each named", async () => {
    const { tenantRef, disabled } = await makeTenant();
    const ack = (input: Partial<Parameters<typeof acknowledgeFinding>[1]>) =>
      acknowledgeFinding(db, { findingId: disabled.id, comment: "Known", actor: "a@contoso.com", ...input }, at(1));
    expect(await ack({ findingId: "not-a-uuid" })).toEqual({ ok: false, error: { code: "invalid-input", message: "Unknown finding" } });
    const gone = { ok: false, error: { code: "not-found", message: "This finding no longer exists" } };
    expect(await ack({ findingId: randomUUID() })).toEqual(gone);
    // Another tenant's page or an admin limited to other tenants (decision 027) does not find it.
    expect(await ack({ tenantRef: randomUUID() })).toEqual(gone);
    expect(await ack({ tenantScope: [randomUUID()] })).toEqual(gone);
    expect(await db.findingEvent.count({ where: { findingRef: disabled.id, kind: "acknowledged" } })).toBe(0);
    // Its own tenant and a scope that includes it do.
    expect(await ack({ tenantRef, tenantScope: [tenantRef] })).toMatchObject({ ok: true, until: null });
    expect(await ack({ actor: "b@contoso.com" })).toEqual({
      ok: false,
      error: { code: "already-acknowledged", message: "a@contoso.com already acknowledged this finding: undo that first to change it" },
    });
    const audit = await db.auditLog.findFirstOrThrow({ where: { tenantRef, target: disabled.id, action: "finding.acknowledge" } });
    expect(audit.detail).not.toHaveProperty("bulk");

    await db.finding.update({ where: { id: disabled.id }, data: { status: "resolved", resolvedAt: at(2) } });
    expect(await ack({ actor: "b@contoso.com" })).toEqual({ ok: false, error: { code: "not-open", message: "This finding is already resolved" } });
  });

  it("acknowledgeDeviceFindings: one to 200 devices, its audit entries marked as a bulk acknowledgement", async () => {
    const { tenantRef, disabled } = await makeTenant();
    const input = { tenantRef, comment: "Re-imaging", actor: "ops@contoso.com" };
    expect(await acknowledgeDeviceFindings(db, { ...input, subjectKeys: [] }, at(1))).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Select at least one device" },
    });
    const keys = (n: number) => Array.from({ length: n }, () => `d:${randomUUID()}`);
    expect(await acknowledgeDeviceFindings(db, { ...input, subjectKeys: keys(201) }, at(1))).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Select at most 200 devices" },
    });
    // 200 is allowed: of these, only the disabled device has findings to acknowledge.
    expect(await acknowledgeDeviceFindings(db, { ...input, subjectKeys: [...keys(199), disabled.subjectKey] }, at(1))).toMatchObject({
      ok: true,
      devices: 1,
    });
    const audits = await db.auditLog.findMany({ where: { tenantRef, action: "finding.acknowledge" }, select: { detail: true } });
    expect(audits.length).toBeGreaterThan(0);
    expect(audits.every((a) => (a.detail as { bulk?: boolean }).bulk === true)).toBe(true);
  });
});

describe("undoing an acknowledgement", () => {
  it("records in its audit entry whose acknowledgement it withdrew, with its comment, ticket and expiry", async () => {
    const { tenantRef, disabled } = await makeTenant();
    const ack = await acknowledgeFinding(db, { findingId: disabled.id, comment: "Known", ticket: "INC-9", until: "2026-03-20", actor: "a@contoso.com" }, at(1));
    expect(ack.ok).toBe(true);
    expect(await undoAcknowledgement(db, { tenantRef, findingId: disabled.id, actor: "b@contoso.com" }, at(2))).toEqual({ ok: true });
    const audit = await db.auditLog.findFirstOrThrow({ where: { tenantRef, target: disabled.id, action: "finding.unacknowledge" } });
    expect(audit.detail).toEqual({
      rule: "object-disabled",
      subjectKey: disabled.subjectKey,
      acknowledgedBy: "a@contoso.com",
      comment: "Known (INC-9)",
      ticket: "INC-9",
      until: "2026-03-21T00:00:00.000Z",
    });
  });
});

describe("an acknowledgement stored without its author or comment", () => {
  // Written outside JoinScope's own functions (by hand in the database, or by an older build): the answers and the
  // timeline still read as sentences.
  const anonymous = { acknowledgedAt: at(1), acknowledgedBy: null, ackComment: null, ackTicket: null, ackUntil: new Date("2026-03-07T00:00:00.000Z") };

  it("is named 'Someone' when refused, when it expires, and withdrawn by an undo", async () => {
    const { tenantRef, disabled } = await makeTenant();
    await db.finding.update({ where: { id: disabled.id }, data: anonymous });
    expect(await acknowledgeFinding(db, { findingId: disabled.id, comment: "Known", actor: "b@contoso.com" }, at(2))).toEqual({
      ok: false,
      error: { code: "already-acknowledged", message: "Someone already acknowledged this finding: undo that first to change it" },
    });

    expect((await reevaluateFindings({ tenantRef, scope: "all", now: new Date("2026-03-07T00:10:00.000Z") })).ackExpired).toBe(1);
    await db.finding.update({ where: { id: disabled.id }, data: anonymous });
    expect(await undoAcknowledgement(db, { tenantRef, findingId: disabled.id, actor: "b@contoso.com" }, new Date("2026-03-07T01:00:00.000Z"))).toEqual({
      ok: true,
    });
    expect(await history(disabled.id)).toEqual([
      { kind: "opened", actor: null, detail: disabled.title },
      { kind: "ack-expired", actor: null, detail: "Someone's acknowledgement expired (no comment): the finding is open again" },
      { kind: "unacknowledged", actor: "b@contoso.com", detail: "Acknowledgement withdrawn" },
    ]);
  });
});

describe("a finding deleted while it is acknowledged", () => {
  it("is not found, when it goes between the acknowledgement's transaction and the read of why nothing was written", async () => {
    const { tenantRef, disabled } = await makeTenant();
    expect((await acknowledgeFinding(db, { findingId: disabled.id, comment: "Known", actor: "a@contoso.com" }, at(1))).ok).toBe(true);
    // The finding is deleted right after the transaction that found nothing left to acknowledge.
    const racing = new Proxy(db, {
      get(target, property) {
        if (property !== "$transaction") return Reflect.get(target, property, target);
        return async (...args: unknown[]) => {
          const result = await (target.$transaction as (...a: unknown[]) => Promise<unknown>)(...args);
          await target.finding.delete({ where: { id: disabled.id } });
          return result;
        };
      },
    });
    expect(await acknowledgeFinding(racing, { findingId: disabled.id, comment: "Again", actor: "b@contoso.com", tenantRef }, at(2))).toEqual({
      ok: false,
      error: { code: "not-found", message: "This finding no longer exists" },
    });
  });
});

describe("what a bulk acknowledgement selects", () => {
  // makeTenant's findings: alt-security-ids-missing on both PCs, object-disabled on PC-0002.
  const PC1 = "d:11111111-2222-4333-8444-555555555555";
  const PC2 = "d:11111112-2222-4333-8444-555555555555";

  it("a group under the page's filters, then a device's findings, each open and unacknowledged finding once", async () => {
    const { tenantRef } = await makeTenant();
    const input = { tenantRef, actor: "ops@contoso.com", comment: "Certificates re-issued on Friday" };
    // The grouped view, filtered to one host: only that host's finding of the group.
    const group = await acknowledgeFindings(db, { ...input, rules: ["alt-security-ids-missing"], filters: { q: "PC-0001" } }, at(1));
    expect(group).toEqual({ ok: true, acknowledged: 1, devices: 1, acknowledgedAt: at(1), until: null });
    // The Devices list's selection (a device named twice): its two findings.
    const device = await acknowledgeFindings(db, { ...input, subjectKeys: [PC2, PC2] }, at(2));
    expect(device).toEqual({ ok: true, acknowledged: 2, devices: 1, acknowledgedAt: at(2), until: null });
    expect(await acknowledgeFindings(db, { ...input, rules: ["alt-security-ids-missing", "object-disabled"] }, at(3))).toEqual({
      ok: false,
      error: { code: "nothing-to-acknowledge", message: "The selection has no open finding left to acknowledge" },
    });

    const findings = await db.finding.findMany({
      where: { tenantRef },
      orderBy: [{ subjectKey: "asc" }, { rule: "asc" }],
      select: { id: true, subjectKey: true, rule: true, acknowledgedAt: true, acknowledgedBy: true, ackComment: true, ackTicket: true, ackUntil: true },
    });
    const acked = (subjectKey: string, at: Date) => ({
      subjectKey,
      acknowledgedAt: at,
      acknowledgedBy: "ops@contoso.com",
      ackComment: input.comment,
      ackTicket: null,
      ackUntil: null,
    });
    expect(findings.map(({ id: _id, rule: _rule, ...rest }) => rest)).toEqual([acked(PC1, at(1)), acked(PC2, at(2)), acked(PC2, at(2))]);
    // Without a ticket or an expiry: the comment alone, in the event and the audit entry.
    const events = await db.findingEvent.findMany({
      where: { tenantRef, kind: "acknowledged" },
      select: { findingRef: true, subjectKey: true, actor: true, detail: true, at: true },
    });
    expect(events.sort((a, b) => a.findingRef.localeCompare(b.findingRef))).toEqual(
      [...findings]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((f) => ({ findingRef: f.id, subjectKey: f.subjectKey, actor: "ops@contoso.com", detail: input.comment, at: f.acknowledgedAt })),
    );
    const audits = await db.auditLog.findMany({ where: { tenantRef, action: "finding.acknowledge" }, select: { actor: true, target: true, detail: true } });
    expect(audits.sort((a, b) => a.target!.localeCompare(b.target!))).toEqual(
      [...findings]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((f) => ({ actor: "ops@contoso.com", target: f.id, detail: { rule: f.rule, subjectKey: f.subjectKey, comment: input.comment, bulk: true } })),
    );
  });

  it("refuses a submission that selects no group, row or device, writing nothing", async () => {
    const { tenantRef } = await makeTenant();
    const refused = { ok: false, error: { code: "invalid-input", message: "Select at least one rule, finding or device" } };
    const input = { tenantRef, actor: "ops@contoso.com", comment: "Known" };
    expect(await acknowledgeFindings(db, input, at(1))).toEqual(refused);
    expect(await acknowledgeFindings(db, { ...input, rules: [], findingIds: [], subjectKeys: [], filters: { q: "PC-0001" } }, at(1))).toEqual(refused);
    expect(await db.finding.count({ where: { tenantRef, acknowledgedAt: { not: null } } })).toBe(0);
  });

  it("a group and a row together: the union, over both devices", async () => {
    const { tenantRef } = await makeTenant();
    const row = await db.finding.findFirstOrThrow({ where: { tenantRef, subjectKey: PC1 }, select: { id: true } });
    const both = await acknowledgeFindings(
      db,
      { tenantRef, actor: "ops@contoso.com", comment: "Known", rules: ["object-disabled"], findingIds: [row.id] },
      at(1),
    );
    expect(both).toMatchObject({ ok: true, acknowledged: 2, devices: 2 });
    expect(await db.finding.count({ where: { tenantRef, acknowledgedAt: null } })).toBe(1);
  });
});

describe("a bulk acknowledgement at its limits", () => {
  /** A tenant with `count` open stale-device findings, one a device, written directly (no directory behind them). */
  async function tenantWithFindings(count: number) {
    const t = await createTenant(db, { tenantId: randomUUID(), name: "Northwind", actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    // Through the driver, as a findings pass writes them: Prisma's createMany of 20,000 rows took over a minute here.
    const direct = directDb();
    const key = (i: number) => String(i).padStart(5, "0");
    const rows = Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      tenantRef: t.id,
      subjectKey: `h:kiosk-${key(i)}`,
      hostname: `KIOSK-${key(i)}`,
      rule: "stale-device",
      severity: "low",
      title: "Stale device",
      explanation: "Not seen for 120 days",
      evidence: [],
      remediation: [],
      fingerprint: "f",
      isPrimary: false,
      rankSeverity: "low",
      status: "open",
      firstSeenAt: t0,
      lastSeenAt: t0,
    }));
    await direct.batch(insertStatements(direct.dialect, "Finding", FINDING_COLUMNS, rows));
    return t.id;
  }
  const input = (tenantRef: string) => ({ tenantRef, actor: "ops@contoso.com", comment: "Kiosks retired", rules: ["stale-device"] });

  it("refuses a selection of more than 20,000 open findings whole, writing nothing", async () => {
    const tenantRef = await tenantWithFindings(20_001);
    expect(await acknowledgeFindings(db, input(tenantRef), at(1))).toEqual({
      ok: false,
      error: { code: "too-many", message: "The selection holds 20,001 open findings; acknowledge at most 20,000 at once (narrow it with the filters)" },
    });
    expect(await db.finding.count({ where: { tenantRef, acknowledgedAt: { not: null } } })).toBe(0);
    expect(await db.findingEvent.count({ where: { tenantRef } })).toBe(0);
  }, 120_000);

  it("writes past 1,000 findings a chunk at a time: one event and one audit entry for each finding, none twice", async () => {
    const tenantRef = await tenantWithFindings(1_001);
    expect(await acknowledgeFindings(db, input(tenantRef), at(1))).toMatchObject({ ok: true, acknowledged: 1_001, devices: 1_001 });
    const events = await db.findingEvent.findMany({ where: { tenantRef, kind: "acknowledged" }, select: { findingRef: true } });
    const audits = await db.auditLog.findMany({ where: { tenantRef, action: "finding.acknowledge" }, select: { target: true } });
    expect(events).toHaveLength(1_001);
    expect(new Set(events.map((e) => e.findingRef)).size).toBe(1_001);
    expect(audits).toHaveLength(1_001);
    expect(new Set(audits.map((a) => a.target)).size).toBe(1_001);
  }, 120_000);
});
