/**
 * The recorded agent uploads (tests/agent/fixtures, built exactly as public/agent/Invoke-JoinScopeAgent.ps1
 * builds them) go through POST /api/v1/reports byte for byte: accepted, stored once, explained.
 */
import { decodeReportText } from "@/lib/reports/report-text-codec";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/reports/route";
import { AGENT_FIXTURES, readAgentFixture } from "@/tests/agent/agent-fixtures";
import { db } from "@/lib/db/client";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { ReportUploadSchema } from "@/lib/ingest/upload-schema";
import { countRows, createTenantWithToken } from "../setup/factories";

const URL_ = "http://joinscope.test/api/v1/reports";

/** What Invoke-RestMethod sends: the body bytes, `application/json; charset=utf-8`, a Bearer token. */
function upload(bytes: Buffer, token: string) {
  return POST(
    new Request(URL_, {
      method: "POST",
      body: new Uint8Array(bytes),
      headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${token}`, "content-length": String(bytes.length) },
    }),
    { params: Promise.resolve({}) },
  );
}

interface Answer {
  reportId: string;
  deviceId: string | null;
  joinType: string;
  duplicate: boolean;
  findings: { rule: string; severity: string }[];
}

describe("agent payloads end to end", () => {
  describe.each(AGENT_FIXTURES)("$file", (fixture) => {
    const bytes = readAgentFixture(fixture.file);
    const body = JSON.parse(bytes.toString("utf8")) as Record<string, unknown> & { events?: unknown[] };

    it("validates against ReportUploadSchema", () => {
      const result = ReportUploadSchema.safeParse(body);
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    });

    it("is stored (201) with the expected device and findings, and a re-upload is idempotent (200)", async () => {
      const { token } = await createTenantWithToken(db, { tenantId: fixture.tenantId, name: `Tenant ${fixture.tenantId.slice(0, 8)}` });

      const first = await upload(bytes, token);
      expect(first.status, await first.clone().text()).toBe(201);
      const a = (await first.json()) as Answer;
      expect(a).toMatchObject({ deviceId: fixture.expected.deviceId, joinType: fixture.expected.joinType, duplicate: false });
      const rules = a.findings.map((f) => f.rule);
      expect(rules).toEqual(expect.arrayContaining(fixture.expected.rules));
      for (const absent of fixture.expected.absentRules) expect(rules).not.toContain(absent);

      const stored = await db.deviceReport.findUniqueOrThrow({
        where: { id: a.reportId },
        select: {
          hostname: true,
          agentVersion: true,
          osBuild: true,
          computerDn: true,
          objectGuid: true,
          textZ: true,
          systemTextZ: true,
          events: { select: { eventId: true } },
        },
      });
      expect(stored).toMatchObject({
        hostname: fixture.hostname,
        agentVersion: body.agentVersion,
        osBuild: body.osBuild,
        computerDn: body.computerDn ?? null,
        objectGuid: (body.objectGuid as string | undefined) ?? null,
      });
      // The texts are kept exactly, compressed (decision 013).
      expect(decodeReportText(stored.textZ!)).toBe(body.dsregcmd);
      expect(stored.systemTextZ ? decodeReportText(stored.systemTextZ) : null).toBe((body.dsregcmdSystem as string | undefined) ?? null);
      // Each distinct event once (a payload may carry the same event twice).
      expect(stored.events).toHaveLength(new Set((body.events ?? []).map((e) => JSON.stringify(e))).size);

      // The first upload's findings are evaluated a second later (lib/findings/findings-scheduler.ts): let that land first,
      // so the count below compares the re-upload alone.
      await flushFindingsQueue();
      const before = await countRows(db);
      const second = await upload(bytes, token);
      expect(second.status).toBe(200);
      const b = (await second.json()) as Answer;
      expect(b).toMatchObject({ reportId: a.reportId, deviceId: a.deviceId, duplicate: true });
      await flushFindingsQueue();
      expect(await countRows(db)).toEqual(before);
    });
  });

  it("the no-user upload is flagged as a SYSTEM capture, not as a missing PRT", async () => {
    const { token } = await createTenantWithToken(db, { tenantId: AGENT_FIXTURES[1]!.tenantId });
    const res = await upload(readAgentFixture("hybrid-no-user-signed-in.json"), token);
    expect([200, 201]).toContain(res.status);
    const answer = (await res.json()) as Answer;
    expect(answer.findings).toContainEqual(expect.objectContaining({ rule: "user-context-not-captured", severity: "low" }));
    expect(answer.findings.map((f) => f.rule)).not.toContain("prt-missing");
  });

  it("keeps the non-ASCII account name of a Windows PowerShell 5.1 upload intact", async () => {
    const { token } = await createTenantWithToken(db, { tenantId: AGENT_FIXTURES[3]!.tenantId });
    const res = await upload(readAgentFixture("hybrid-ps51-non-ascii.json"), token);
    const answer = (await res.json()) as Answer;
    const stored = await db.deviceReport.findUniqueOrThrow({ where: { id: answer.reportId }, select: { textZ: true, computerDn: true } });
    expect(decodeReportText(stored.textZ!)).toContain("CONTOSO\\jörg.müller, joerg.mueller@contoso.com");
    expect(stored.computerDn).toContain("OU=Zürich");
  });
});
