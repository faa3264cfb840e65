/**
 * ingestReport's own decisions (lib/ingest/ingest-report.ts), each through the function the upload endpoint and the
 * Diagnose page's "Attach" call, and read back from the rows it writes: what a new report's row, user and events hold;
 * the run of unchanged uploads updated in place (decision 013) or kept apart; an earlier capture arriving late; the
 * token's and the enrolled device's last contact, written at most once a minute; the identity checks of decisions 011
 * and 042; the redaction key; a report without a DeviceId tied to its directory object. Written from the mutation
 * survivors of issue 26: the API tests upload as one agent of one tenant, always in order, so none of this was checked.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { deriveSecret } from "@/lib/crypto/secret-box";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { recentCaptureChars, recentCaptureCount } from "@/lib/findings/recent-captures";
import { ingestReport, type IngestResult } from "@/lib/ingest/ingest-report";
import { userToken } from "@/lib/ingest/redact-user-names";
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { decodeReportText as storedText } from "@/lib/reports/report-text-codec";
import { readFixture } from "@/lib/reports/fixtures";
import { worstSeverityRank } from "@/lib/rules/severity";
import type { AgentIdentity, EnrolledDevice } from "@/lib/agent-tokens/authenticate-agent-token";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

/** A domain-joined Windows 10 1809 machine whose hybrid join has not completed: it prints no DeviceId. */
const decodedDomainOnly = decodeReportText(readFixture("win10-1809-domain-prejoin-fail.txt"));
if (!decodedDomainOnly.ok) throw new Error("fixture");
const domainOnly = decodedDomainOnly.text;

const MINUTE = 60_000;
const T0 = Date.parse("2026-11-20T08:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);

async function tenant(settings: { keepEveryUpload?: boolean; redactUserNames?: boolean } = {}) {
  const tenantId = randomUUID();
  const t = await createTenantWithToken(db, { tenantId, name: `ingest ${tenantId.slice(0, 8)}` });
  if (settings.keepEveryUpload !== undefined || settings.redactUserNames !== undefined) await db.tenant.update({ where: { id: t.tenantRef }, data: settings });
  const agent: AgentIdentity = { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId };
  return { ...t, agent };
}

/** An upload of a healthy hybrid machine, captured `minutes` after T0 (the PRT times say the same at every capture). */
function upload(tenantId: string, deviceId: string | undefined, minutes: number, o: { hostname?: string; deleted?: boolean } = {}) {
  return sampleUpload({ tenantId, deviceId, hostname: o.hostname ?? "PC-INGEST", deleted: o.deleted, capturedAt: at(minutes).toISOString() });
}

function expectStored(result: IngestResult) {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.report;
}

function refusal(result: IngestResult) {
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

const reportRow = (id: string) =>
  db.deviceReport.findUniqueOrThrow({
    where: { id },
    select: {
      source: true,
      hostname: true,
      deviceId: true,
      agentTokenRef: true,
      agentDeviceRef: true,
      capturedAt: true,
      firstCapturedAt: true,
      receivedAt: true,
      agentVersion: true,
      computerDn: true,
      objectGuid: true,
      osBuild: true,
      uploadCount: true,
      contentHash: true,
      findingsSnapshot: true,
      worstSeverityRank: true,
      parsed: true,
      dsregcmdText: true,
      systemParsed: true,
      systemText: true,
      textZ: true,
      systemTextZ: true,
    },
  });

async function enrolledDevice(tenantRef: string, hostname: string, o: { provenDeviceId?: string; revoked?: boolean } = {}): Promise<EnrolledDevice> {
  const row = await db.agentDevice.create({
    data: {
      tenantRef,
      hostname,
      machineKeyHash: randomBytes(32).toString("hex"),
      keyHash: randomBytes(32).toString("hex"),
      keyPrefix: "jsd_test",
      keyIssuedAt: at(0),
      enrolledAt: at(0),
      lastEnrolledAt: at(0),
      provenDeviceId: o.provenDeviceId ?? null,
      revokedAt: o.revoked ? at(0) : null,
    },
    select: { id: true },
  });
  return { id: row.id, hostname, lastSeenAt: null, agentVersion: null, keyRotationDue: false, provenDeviceId: o.provenDeviceId ?? null };
}

describe("a new report", () => {
  it("stores the upload's fields, its user and its events (each event once, task and log optional), and answers with them", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const body = {
      ...upload(t.tenantId, deviceId, 0),
      objectGuid: "{0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}",
      osBuild: "10.0.22631.4460",
      agentVersion: "2.3.1",
      events: [
        {
          id: 1098,
          time: "2026-11-20T07:40:12Z",
          level: "Error",
          task: "AadTokenBrokerPlugin Operation",
          log: "AAD/Operational",
          message: "Error: 0xCAA5004B",
        },
        { id: 1104, time: "2026-11-20T07:41:00Z", level: "Warning", message: "Key recovery ran." },
        {
          id: 1098,
          time: "2026-11-20T07:40:12Z",
          level: "Error",
          task: "AadTokenBrokerPlugin Operation",
          log: "AAD/Operational",
          message: "Error: 0xCAA5004B",
        },
      ],
    };
    const answer = expectStored(await ingestReport(db, { agent: t.agent, body, now: at(1) }));
    expect(answer).toMatchObject({ deviceId, joinType: "hybrid", duplicate: false });
    const row = await reportRow(answer.reportId);
    expect(row).toMatchObject({
      source: "agent",
      hostname: "PC-INGEST",
      deviceId,
      agentTokenRef: t.tokenId,
      agentDeviceRef: null,
      capturedAt: at(0),
      firstCapturedAt: at(0),
      receivedAt: at(1),
      agentVersion: "2.3.1",
      computerDn: body.computerDn,
      objectGuid: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      osBuild: "10.0.22631.4460",
      uploadCount: 1,
      // The texts are stored compressed only (decision 013): the parsed form is the text parsed again.
      parsed: "",
      dsregcmdText: "",
      systemParsed: null,
      systemText: null,
      systemTextZ: null,
    });
    expect(JSON.parse(row.findingsSnapshot!)).toEqual(answer.findings);
    expect(storedText(row.textZ!)).toBe(body.dsregcmd);

    const events = await db.agentEvent.findMany({
      where: { reportRef: answer.reportId },
      select: { eventId: true, deviceId: true, time: true, level: true, task: true, log: true, message: true },
      orderBy: { eventId: "asc" },
    });
    expect(events).toEqual([
      {
        eventId: 1098,
        deviceId,
        time: new Date("2026-11-20T07:40:12Z"),
        level: "Error",
        task: "AadTokenBrokerPlugin Operation",
        log: "AAD/Operational",
        message: "Error: 0xCAA5004B",
      },
      { eventId: 1104, deviceId, time: new Date("2026-11-20T07:41:00Z"), level: "Warning", task: null, log: null, message: "Key recovery ran." },
    ]);
    expect(
      await db.reportUser.findMany({
        where: { reportRef: answer.reportId },
        select: { userPrincipalName: true, deviceId: true, hostname: true, capturedAt: true },
      }),
    ).toEqual([{ userPrincipalName: "jdoe@contoso.com", deviceId, hostname: "PC-INGEST", capturedAt: at(0) }]);
    // A device seen for the first time has its Devices list row at once.
    expect(await db.deviceSummary.count({ where: { tenantRef: t.tenantRef, subjectKey: `d:${deviceId}` } })).toBe(1);

    // Without the optional fields, the columns are null.
    const bare = { ...upload(t.tenantId, randomUUID(), 0, { hostname: "PC-BARE" }), computerDn: undefined, events: undefined };
    const stored = expectStored(await ingestReport(db, { agent: t.agent, body: bare, now: at(1) }));
    expect(await reportRow(stored.reportId)).toMatchObject({ computerDn: null, objectGuid: null, osBuild: null });
    expect(await db.agentEvent.count({ where: { reportRef: stored.reportId } })).toBe(0);
    await flushFindingsQueue();
  });

  it("answers a retry of the same content with the stored report: its id, device, join type and findings", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const body = upload(t.tenantId, deviceId, 0, { deleted: true });
    const first = expectStored(await ingestReport(db, { agent: t.agent, body, now: at(1) }));
    expect(first.findings.length).toBeGreaterThan(0);
    expect((await reportRow(first.reportId)).worstSeverityRank).toBe(worstSeverityRank(first.findings));
    const retry = expectStored(await ingestReport(db, { agent: t.agent, body, now: at(2) }));
    expect(retry).toEqual({ ...first, duplicate: true });
    // The upload queued the device's findings pass.
    await flushFindingsQueue();
    expect(await db.finding.count({ where: { tenantRef: t.tenantRef, subjectKey: `d:${deviceId}`, status: "open" } })).toBeGreaterThan(0);
    // A report stored without a findings snapshot (before snapshots were kept) answers none.
    await db.deviceReport.update({ where: { id: first.reportId }, data: { findingsSnapshot: null } });
    expect(expectStored(await ingestReport(db, { agent: t.agent, body, now: at(3) }))).toEqual({ ...first, findings: [], duplicate: true });
  });

  it("hands its parse to the findings pass, counting both captures' characters", async () => {
    const t = await tenant();
    await flushFindingsQueue();
    const base = upload(t.tenantId, randomUUID(), 0, { hostname: "PC-CHARS" });
    const body = { ...base, dsregcmdSystem: `${base.dsregcmd}\r\nSYSTEM` };
    const before = recentCaptureChars();
    const stored = expectStored(await ingestReport(db, { agent: t.agent, body, now: at(1) }));
    expect(recentCaptureChars() - before).toBe(body.dsregcmd.length + body.dsregcmdSystem.length);
    expect(storedText((await reportRow(stored.reportId)).systemTextZ!)).toBe(body.dsregcmdSystem);
    await flushFindingsQueue();
  });

  it("a device's next report before its findings pass replaces the parse handed over for the one before", async () => {
    const t = await tenant();
    await flushFindingsQueue();
    const before = recentCaptureCount();
    const deviceId = randomUUID();
    for (const [minutes, deleted] of [
      [0, false],
      [60, true],
      [120, false],
    ] as const) {
      expect(
        expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, minutes, { deleted }), now: at(minutes + 1) })).duplicate,
      ).toBe(false);
    }
    expect(recentCaptureCount()).toBe(before + 1);
    await flushFindingsQueue();
  });
});

describe("a run of unchanged uploads (decision 013)", () => {
  it("updates the device's latest report in place: the later capture's times, token, text and findings, its count up by one", async () => {
    const t = await tenant();
    const other = await createTenantWithToken(db, { tenantId: t.tenantId });
    const deviceId = randomUUID();
    const first = expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, 0), now: at(1) }));
    const laterBody = upload(t.tenantId, deviceId, 240);
    const later = expectStored(await ingestReport(db, { agent: { ...t.agent, tokenId: other.tokenId }, body: laterBody, now: at(241) }));
    expect(later).toMatchObject({ reportId: first.reportId, duplicate: false });
    const row = await reportRow(first.reportId);
    expect(row).toMatchObject({ capturedAt: at(240), firstCapturedAt: at(0), receivedAt: at(241), agentTokenRef: other.tokenId, uploadCount: 2 });
    expect(JSON.parse(row.findingsSnapshot!)).toEqual(later.findings);
    expect((await db.reportUser.findUniqueOrThrow({ where: { reportRef: first.reportId }, select: { capturedAt: true } })).capturedAt).toEqual(at(240));
    // The row holds the later upload's content now: a retry of it is a duplicate, a retry of the first is not new either.
    expect(expectStored(await ingestReport(db, { agent: t.agent, body: laterBody, now: at(242) }))).toMatchObject({
      reportId: first.reportId,
      duplicate: true,
    });
    expect((await reportRow(first.reportId)).uploadCount).toBe(2);
    // Then from the machine's enrolled agent: the report names the device, and no token.
    const device = await enrolledDevice(t.tenantRef, "PC-INGEST");
    const byDevice = expectStored(
      await ingestReport(db, { agent: { ...t.agent, tokenId: null, device }, body: upload(t.tenantId, deviceId, 480), now: at(481) }),
    );
    expect(byDevice.reportId).toBe(first.reportId);
    expect(await reportRow(first.reportId)).toMatchObject({ agentTokenRef: null, agentDeviceRef: device.id, uploadCount: 3, capturedAt: at(480) });
    await flushFindingsQueue();
  });

  it("two captures of the same instant in the same state: the later received still counts in place", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const first = expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, 0), now: at(1) }));
    // The same capture time, another PRT renewal time in the text: other content, the same state.
    const renewed = upload(t.tenantId, deviceId, 0);
    const body = { ...renewed, dsregcmd: renewed.dsregcmd.replace(/AzureAdPrtUpdateTime : .*/, "AzureAdPrtUpdateTime : 2026-11-29 06:30:27.000 UTC") };
    expect(body.dsregcmd).not.toBe(renewed.dsregcmd);
    expect(expectStored(await ingestReport(db, { agent: t.agent, body, now: at(2) }))).toMatchObject({ reportId: first.reportId, duplicate: false });
    expect(await reportRow(first.reportId)).toMatchObject({ uploadCount: 2, receivedAt: at(2) });
    await flushFindingsQueue();
  });

  it("is kept apart, one report an upload, in a tenant that keeps every upload (or an identity that says so)", async () => {
    const keeps = await tenant({ keepEveryUpload: true });
    const deviceId = randomUUID();
    const first = expectStored(await ingestReport(db, { agent: keeps.agent, body: upload(keeps.tenantId, deviceId, 0), now: at(1) }));
    const later = expectStored(await ingestReport(db, { agent: keeps.agent, body: upload(keeps.tenantId, deviceId, 240), now: at(241) }));
    expect(later.reportId).not.toBe(first.reportId);
    expect((await reportRow(first.reportId)).uploadCount).toBe(1);

    // The authentication's read of the settings wins over the tenant's row; a setting it did not read is read here.
    const compacts = await tenant({ keepEveryUpload: true, redactUserNames: true });
    const both = { ...compacts.agent, keepEveryUpload: false, redactUserNames: false };
    const a = expectStored(await ingestReport(db, { agent: both, body: upload(compacts.tenantId, deviceId, 0), now: at(1) }));
    const b = expectStored(await ingestReport(db, { agent: both, body: upload(compacts.tenantId, deviceId, 240), now: at(241) }));
    expect(b.reportId).toBe(a.reportId);
    expect(storedText((await reportRow(a.reportId)).textZ!)).toContain("CONTOSO\\jdoe");
    const onlyRedaction = { ...compacts.agent, redactUserNames: false };
    const c = expectStored(await ingestReport(db, { agent: onlyRedaction, body: upload(compacts.tenantId, deviceId, 480), now: at(481) }));
    expect(c.reportId).not.toBe(a.reportId); // keepEveryUpload read from the tenant: true
    expect(storedText((await reportRow(c.reportId)).textZ!)).toContain("CONTOSO\\jdoe");
    await flushFindingsQueue();
  });

  it("an earlier capture arriving late: a duplicate of the run that spans it, else a report of its own that leaves the latest and its events alone", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const event = { id: 1098, time: "2026-11-20T07:40:12Z", level: "Error", task: "AadTokenBrokerPlugin Operation", message: "Error: 0xCAA5004B" };
    const withEvents = (body: ReturnType<typeof upload>, events: unknown[]) => ({ ...body, events });
    const same = (minutes: number) => withEvents(upload(t.tenantId, deviceId, minutes), [event]);
    const run = expectStored(await ingestReport(db, { agent: t.agent, body: same(0), now: at(1) }));
    expectStored(await ingestReport(db, { agent: t.agent, body: same(240), now: at(241) }));
    const count = () => db.deviceReport.count({ where: { tenantRef: t.tenantRef } });

    // Captured within the run (and at its first capture exactly), in the same state: the run holds it already.
    for (const minutes of [120, 0.5, 0]) {
      const late = expectStored(await ingestReport(db, { agent: t.agent, body: same(minutes), now: at(300) }));
      expect(late).toMatchObject({ reportId: run.reportId, duplicate: true });
    }
    expect(await count()).toBe(1);
    expect(await reportRow(run.reportId)).toMatchObject({ capturedAt: at(240), firstCapturedAt: at(0), uploadCount: 2 });

    // Before the run, in the same state: a report of its own; the latest keeps its times and count.
    const before = expectStored(await ingestReport(db, { agent: t.agent, body: same(-60), now: at(300) }));
    expect(before.reportId).not.toBe(run.reportId);
    expect(before.duplicate).toBe(false);
    expect(await reportRow(run.reportId)).toMatchObject({ capturedAt: at(240), firstCapturedAt: at(0), uploadCount: 2 });

    // Within the run, in another state: a report of its own. The event the latest carries stays with the latest.
    const other = expectStored(
      await ingestReport(db, { agent: t.agent, body: withEvents(upload(t.tenantId, deviceId, 60, { deleted: true }), [event]), now: at(301) }),
    );
    expect(other.reportId).not.toBe(run.reportId);
    expect(await count()).toBe(3);
    expect((await db.agentEvent.findMany({ where: { tenantRef: t.tenantRef }, select: { reportRef: true } })).map((e) => e.reportRef)).toEqual([run.reportId]);

    // A later capture in another state takes the event over.
    const next = expectStored(
      await ingestReport(db, { agent: t.agent, body: withEvents(upload(t.tenantId, deviceId, 480, { deleted: true }), [event]), now: at(481) }),
    );
    expect((await db.agentEvent.findMany({ where: { tenantRef: t.tenantRef }, select: { reportRef: true } })).map((e) => e.reportRef)).toEqual([next.reportId]);
    await flushFindingsQueue();
  });

  it("in a tenant that keeps every upload, a late capture the run spans is a report of its own", async () => {
    const t = await tenant({ keepEveryUpload: true });
    const deviceId = randomUUID();
    expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, 0), now: at(1) }));
    expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, 240), now: at(241) }));
    const late = expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, 120), now: at(300) }));
    expect(late.duplicate).toBe(false);
    expect(await db.deviceReport.count({ where: { tenantRef: t.tenantRef } })).toBe(3);
    await flushFindingsQueue();
  });
});

describe("uploads of one device at once", () => {
  it("the same new content twice: one stores it, the other answers the stored report and still counts as the token's contact", async () => {
    const t = await tenant();
    const body = upload(t.tenantId, randomUUID(), 0, { hostname: "PC-RACE", deleted: true });
    const answers = await Promise.all(
      [1, 2].map((minutes) => ingestReport(db, { agent: { ...t.agent, lastUsedAt: null }, body, now: at(minutes) }).then(expectStored)),
    );
    expect(answers.map((a) => a.duplicate).sort()).toEqual([false, true]);
    expect(answers[0]!.reportId).toBe(answers[1]!.reportId);
    expect({ ...answers[0], duplicate: null }).toEqual({ ...answers[1], duplicate: null });
    expect(answers[0]!.findings.length).toBeGreaterThan(0);
    expect(await db.deviceReport.count({ where: { tenantRef: t.tenantRef } })).toBe(1);
    const loser = answers.findIndex((a) => a.duplicate);
    expect((await db.agentToken.findUniqueOrThrow({ where: { id: t.tokenId }, select: { lastUsedAt: true } })).lastUsedAt).toEqual(at(loser + 1));
    await flushFindingsQueue();
  });

  it("later captures of an unchanged device at once: each answered with the one report, which ends at the latest capture", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const first = expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, 0), now: at(1) }));
    const answers = await Promise.all(
      [60, 120, 180].map((minutes) =>
        ingestReport(db, { agent: t.agent, body: upload(t.tenantId, deviceId, minutes), now: at(minutes + 1) }).then(expectStored),
      ),
    );
    expect(answers.map((a) => a.reportId)).toEqual([first.reportId, first.reportId, first.reportId]);
    // An upload that lost the race to a later capture finds that capture's run spanning its own: it is held already
    // (as when it arrives after it), so it answers as a duplicate and is not counted again.
    const counted = answers.filter((a) => !a.duplicate).length;
    expect(counted).toBeGreaterThan(0);
    expect(await reportRow(first.reportId)).toMatchObject({ uploadCount: 1 + counted, capturedAt: at(180), firstCapturedAt: at(0) });
    await flushFindingsQueue();
  });
});

describe("last contact, written at most once a minute", () => {
  it("a token's lastUsedAt: when never written or a minute old exactly, not 59.999 s after", async () => {
    const t = await tenant();
    const lastUsed = async () => (await db.agentToken.findUniqueOrThrow({ where: { id: t.tokenId }, select: { lastUsedAt: true } })).lastUsedAt;
    expectStored(
      await ingestReport(db, { agent: { ...t.agent, lastUsedAt: null }, body: upload(t.tenantId, randomUUID(), 0, { hostname: "PC-T1" }), now: at(1) }),
    );
    expect(await lastUsed()).toEqual(at(1));
    const recent = new Date(at(2).getTime() - 59_999);
    expectStored(
      await ingestReport(db, { agent: { ...t.agent, lastUsedAt: recent }, body: upload(t.tenantId, randomUUID(), 0, { hostname: "PC-T2" }), now: at(2) }),
    );
    expect(await lastUsed()).toEqual(at(1));
    expectStored(
      await ingestReport(db, { agent: { ...t.agent, lastUsedAt: at(2) }, body: upload(t.tenantId, randomUUID(), 0, { hostname: "PC-T3" }), now: at(3) }),
    );
    expect(await lastUsed()).toEqual(at(3));
    await flushFindingsQueue();
  });

  it("an enrolled device's lastSeenAt and agent version: a minute old, or a new version, and its reports name it", async () => {
    const t = await tenant();
    const device = await enrolledDevice(t.tenantRef, "PC-ENROLLED");
    const seen = () => db.agentDevice.findUniqueOrThrow({ where: { id: device.id }, select: { lastSeenAt: true, agentVersion: true } });
    const agent = (d: Partial<EnrolledDevice>): AgentIdentity => ({ ...t.agent, tokenId: null, device: { ...device, ...d } });
    const body = (minutes: number, agentVersion: string) => ({ ...upload(t.tenantId, randomUUID(), minutes, { hostname: "pc-enrolled" }), agentVersion });

    const first = expectStored(await ingestReport(db, { agent: agent({ lastSeenAt: null }), body: body(0, "1.0.0"), now: at(1) }));
    expect(await seen()).toEqual({ lastSeenAt: at(1), agentVersion: "1.0.0" });
    expect(await reportRow(first.reportId)).toMatchObject({ agentTokenRef: null, agentDeviceRef: device.id });
    expect(await db.agentToken.findUniqueOrThrow({ where: { id: t.tokenId }, select: { lastUsedAt: true } })).toEqual({ lastUsedAt: null });

    expectStored(
      await ingestReport(db, { agent: agent({ lastSeenAt: new Date(at(2).getTime() - 59_999), agentVersion: "1.0.0" }), body: body(1, "1.0.0"), now: at(2) }),
    );
    expect(await seen()).toEqual({ lastSeenAt: at(1), agentVersion: "1.0.0" });
    expectStored(await ingestReport(db, { agent: agent({ lastSeenAt: at(2), agentVersion: "1.0.0" }), body: body(2, "1.1.0"), now: at(2.5) }));
    expect(await seen()).toEqual({ lastSeenAt: at(2.5), agentVersion: "1.1.0" });
    expectStored(await ingestReport(db, { agent: agent({ lastSeenAt: at(2), agentVersion: "1.1.0" }), body: body(3, "1.1.0"), now: at(3) }));
    expect(await seen()).toEqual({ lastSeenAt: at(3), agentVersion: "1.1.0" });
    await flushFindingsQueue();
  });
});

describe("who may upload what (decisions 011 and 042)", () => {
  it("a device key uploads for its own hostname in any case, and is refused another host's report", async () => {
    const t = await tenant();
    const device = await enrolledDevice(t.tenantRef, "PC-OWNER");
    const agent: AgentIdentity = { ...t.agent, tokenId: null, device };
    expectStored(await ingestReport(db, { agent, body: upload(t.tenantId, randomUUID(), 0, { hostname: "pc-owner" }), now: at(1) }));
    expect(refusal(await ingestReport(db, { agent, body: upload(t.tenantId, randomUUID(), 0, { hostname: "PC-OTHER" }), now: at(1) }))).toEqual({
      code: "hostname-mismatch",
      message: "This device key belongs to PC-OWNER; it cannot upload a report for another host.",
    });
    await flushFindingsQueue();
  });

  it("a proven enrolment uploads its own registration id only", async () => {
    const t = await tenant();
    const proven = randomUUID();
    const device = await enrolledDevice(t.tenantRef, "PC-PROVEN", { provenDeviceId: proven });
    const agent: AgentIdentity = { ...t.agent, tokenId: null, device, tenantHasProvenEnrolment: true };
    expectStored(await ingestReport(db, { agent, body: upload(t.tenantId, proven.toUpperCase(), 0, { hostname: "PC-PROVEN" }), now: at(1) }));
    const another = randomUUID();
    expect(refusal(await ingestReport(db, { agent, body: upload(t.tenantId, another, 1, { hostname: "PC-PROVEN" }), now: at(2) }))).toEqual({
      code: "device-id-mismatch",
      message: `This device key belongs to the machine that proved registration id ${proven}; it cannot upload a report for ${another}. Re-enrol the agent if the machine joined again.`,
    });
    // A machine that left Entra ID prints no DeviceId: nothing to check.
    expectStored(await ingestReport(db, { agent, body: { ...upload(t.tenantId, undefined, 2, { hostname: "PC-PROVEN" }), dsregcmd: domainOnly }, now: at(3) }));
    await flushFindingsQueue();
  });

  it("an id a proven, active enrolment holds is refused to every other uploader, but not to a paste or where no enrolment proved one", async () => {
    const t = await tenant();
    const held = randomUUID();
    const holder = await enrolledDevice(t.tenantRef, "PC-HOLDER", { provenDeviceId: held });
    const claim = (minutes: number, hostname = "PC-CLAIM") => upload(t.tenantId, held.toUpperCase(), minutes, { hostname });
    expect(refusal(await ingestReport(db, { agent: t.agent, body: claim(0), now: at(1) }))).toEqual({
      code: "device-identity-held",
      message: `Registration id ${held} belongs to PC-HOLDER, whose agent proved it with the device certificate; only that agent may upload its reports.`,
    });
    const unproven = await enrolledDevice(t.tenantRef, "PC-CLAIM");
    expect(refusal(await ingestReport(db, { agent: { ...t.agent, tokenId: null, device: unproven }, body: claim(0), now: at(1) })).code).toBe(
      "device-identity-held",
    );
    expect(await db.deviceReport.count({ where: { tenantRef: t.tenantRef } })).toBe(0);

    // The holder itself, known by its row (an identity read before its proof).
    expectStored(
      await ingestReport(db, { agent: { ...t.agent, tokenId: null, device: { ...holder, provenDeviceId: null } }, body: claim(1, "PC-HOLDER"), now: at(2) }),
    );
    // A pasted report, attached by an admin, is the admin's word.
    const pasted = expectStored(await ingestReport(db, { agent: { ...t.agent, tokenId: null }, body: claim(2), source: "paste", now: at(3) }));
    expect((await reportRow(pasted.reportId)).source).toBe("paste");
    // The authentication read that no enrolment of the tenant proved an identity.
    expectStored(await ingestReport(db, { agent: { ...t.agent, tenantHasProvenEnrolment: false }, body: claim(3, "PC-FLAG"), now: at(4) }));

    // A revoked enrolment holds nothing.
    const free = randomUUID();
    await enrolledDevice(t.tenantRef, "PC-GONE", { provenDeviceId: free, revoked: true });
    expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, free, 0, { hostname: "PC-NEW" }), now: at(5) }));
    await flushFindingsQueue();
  });
});

describe("what the upload's report says of its user and its device", () => {
  it("redacts user names with the tenant's own key", async () => {
    const t = await tenant({ redactUserNames: true });
    const answer = expectStored(await ingestReport(db, { agent: t.agent, body: upload(t.tenantId, randomUUID(), 0), now: at(1) }));
    const text = storedText((await reportRow(answer.reportId)).textZ!);
    expect(text).toContain(`CONTOSO\\${userToken("jdoe", deriveSecret(`redact:${t.tenantRef}`))}`);
    expect(text).not.toMatch(/jdoe/i);
    await flushFindingsQueue();
  });

  it("a report without a DeviceId is stored under the object its objectGUID names when the object carries its host name", async () => {
    const t = await tenant();
    const guid = randomUUID();
    await db.directoryDevice.create({
      data: {
        tenantRef: t.tenantRef,
        objectId: randomUUID(),
        deviceId: guid,
        displayName: "PC-TIED",
        isPending: true,
        trustType: "ServerAd",
        otherProperties: {},
      },
    });
    const unjoined = (hostname: string, objectGuid: string | undefined, minutes = 0) => ({
      ...upload(t.tenantId, undefined, minutes, { hostname }),
      dsregcmd: domainOnly,
      objectGuid,
    });
    const tied = expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("PC-TIED.corp.contoso.com", `{${guid.toUpperCase()}}`), now: at(1) }));
    expect(tied.deviceId).toBe(guid);
    expect((await reportRow(tied.reportId)).deviceId).toBe(guid);
    // Another host name, or no objectGUID: the report stays its host's.
    const elsewhere = expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("PC-ELSEWHERE", guid), now: at(1) }));
    expect(elsewhere.deviceId).toBeNull();
    const none = expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("PC-TIED", undefined, 1), now: at(2) }));
    expect(none.deviceId).toBeNull();
    // Reports without a DeviceId are one device per host name: the next capture in the same state updates it in place.
    const again = expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("PC-TIED", undefined, 240), now: at(241) }));
    expect(again.reportId).toBe(none.reportId);
    // And an earlier capture of that state arriving late is a duplicate of that run.
    expect(expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("PC-TIED", undefined, 120), now: at(300) }))).toMatchObject({
      reportId: none.reportId,
      duplicate: true,
    });
    await flushFindingsQueue();
  });

  it("ties a report by the id its join error names first, else by its objectGUID, whichever the directory holds under its host name", async () => {
    const t = await tenant();
    /** A hybrid join that failed on Windows 10 1803: its Server Message names the object it looked for. */
    const decoded = decodeReportText(readFixture("win10-1803-hybrid-prejoin.txt"));
    if (!decoded.ok) throw new Error("fixture");
    const named = "11bab24e-ebf0-4236-8e87-4015e0b0ba04";
    // The same capture with its DeviceId line cut: a machine whose join has not completed prints none.
    const withoutDeviceId = decoded.text.replace(/^ *DeviceId : .*\n/m, "");
    expect(withoutDeviceId).not.toContain("DeviceId :");
    const guid = randomUUID();
    const object = (deviceId: string, displayName: string) =>
      db.directoryDevice.create({
        data: { tenantRef: t.tenantRef, objectId: randomUUID(), deviceId, displayName, isPending: true, trustType: "ServerAd", otherProperties: {} },
      });
    const prejoin = (hostname: string) => ({ ...upload(t.tenantId, undefined, 0, { hostname }), dsregcmd: withoutDeviceId, objectGuid: guid });
    await object(guid, "PC-BYGUID");
    expect(expectStored(await ingestReport(db, { agent: t.agent, body: prejoin("PC-BYGUID"), now: at(1) })).deviceId).toBe(guid);
    await object(named, "PC-BYNAME");
    expect(expectStored(await ingestReport(db, { agent: t.agent, body: prejoin("PC-BYNAME"), now: at(1) })).deviceId).toBe(named);
    await flushFindingsQueue();
  });

  it("stores an event once per machine without a DeviceId, whatever the case of its host name, and apart from another machine's", async () => {
    const t = await tenant();
    const event = { id: 1098, time: "2026-11-20T07:40:12Z", level: "Error", message: "Error: 0xCAA5004B" };
    const unjoined = (hostname: string, minutes: number, computerDn: string) => ({
      ...upload(t.tenantId, undefined, minutes, { hostname }),
      dsregcmd: domainOnly,
      computerDn,
      events: [event],
    });
    const a = expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("pc-evt", 0, "CN=PC-EVT"), now: at(1) }));
    const b = expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("PC-EVT", 60, "CN=PC-EVT,OU=Moved"), now: at(61) }));
    expect(b.reportId).not.toBe(a.reportId);
    const other = expectStored(await ingestReport(db, { agent: t.agent, body: unjoined("PC-EVT2", 0, "CN=PC-EVT2"), now: at(1) }));
    const events = await db.agentEvent.findMany({ where: { tenantRef: t.tenantRef }, select: { reportRef: true }, orderBy: { reportRef: "asc" } });
    expect(events.map((e) => e.reportRef).sort()).toEqual([b.reportId, other.reportId].sort());
    await flushFindingsQueue();
  });
});
