/**
 * Which report speaks for a device: the latest *captured* (an old capture that arrives late does not overrule a
 * newer one), while "last heard from" is the latest *received*. The heads are aggregated by the database
 * (lib/findings/load-subject-context.ts); these cases pin the semantics on both databases.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { loadSubjectContext } from "@/lib/findings/load-subject-context";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { readFixture } from "@/lib/reports/fixtures";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

const decodedDomainOnly = decodeReportText(readFixture("win10-1809-domain-prejoin-fail.txt"));
if (!decodedDomainOnly.ok) throw new Error("fixture");
const domainOnly = decodedDomainOnly.text;

async function upload(agent: Parameters<typeof ingestReport>[1]["agent"], body: ReturnType<typeof sampleUpload>, receivedAt: Date) {
  const res = await ingestReport(db, { agent, body, now: receivedAt });
  if (!res.ok) throw new Error(res.error.message);
  return res.report;
}

describe("report heads", () => {
  it("the latest capture speaks for the device; the latest receipt is when it was last heard from", async () => {
    const tenantId = randomUUID();
    const { tenantRef, tokenId } = await createTenantWithToken(db, { tenantId });
    const agent = { tokenId, tenantRef, tenantId };
    const deviceId = randomUUID();
    const base = Date.parse("2026-11-20T08:00:00Z");
    const at = (hours: number) => new Date(base + hours * 3_600_000);

    await upload(agent, sampleUpload({ tenantId, deviceId, hostname: "PC-HEAD", capturedAt: at(0).toISOString() }), at(0));
    await upload(agent, sampleUpload({ tenantId, deviceId, hostname: "PC-HEAD", deleted: true, capturedAt: at(8).toISOString() }), at(8));
    // Captured at hour 4, delivered at hour 12 (the machine was offline).
    await upload(agent, sampleUpload({ tenantId, deviceId, hostname: "PC-HEAD", capturedAt: at(4).toISOString() }), at(12));
    // A machine that is not joined yet has no registration id: its reports are grouped by hostname, whatever its case.
    const unjoined = (hostname: string, hours: number) => ({
      ...sampleUpload({ tenantId, hostname }),
      dsregcmd: domainOnly,
      capturedAt: at(hours).toISOString(),
    });
    await upload(agent, unjoined("pc-nojoin", 3), at(3));
    await upload(agent, unjoined("PC-NOJOIN", 1), at(5));
    await flushFindingsQueue();

    const context = await loadSubjectContext({ tenantRef, scope: "all" });
    const subjects = await Promise.all((await context.build(context.keys)).map((s) => s.load()));
    const joined = subjects.find((s) => s.key === `d:${deviceId}`)?.subject;
    expect(joined?.report?.capturedAt).toBe(at(8).toISOString());
    expect(joined?.report?.parsed.deviceAuthStatus).toBe("FAILED");
    expect(joined?.lastReportAt).toBe(at(12).toISOString());

    const byHost = subjects.filter((s) => s.key === "h:pc-nojoin");
    expect(byHost).toHaveLength(1);
    expect(byHost[0]!.subject.report?.capturedAt).toBe(at(3).toISOString());
    expect(byHost[0]!.subject.lastReportAt).toBe(at(5).toISOString());

    // An incremental pass over the one device sees the same head.
    const scoped = await loadSubjectContext({ tenantRef, scope: { deviceIds: [deviceId] } });
    const one = (await Promise.all((await scoped.build(scoped.keys)).map((s) => s.load()))).find((s) => s.key === `d:${deviceId}`)?.subject;
    expect(one?.report?.capturedAt).toBe(at(8).toISOString());
    expect(one?.lastReportAt).toBe(at(12).toISOString());
  });
});
