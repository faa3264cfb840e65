/** Issue 23 item 12: the first-run checklist's steps tick off as a new install is set up, each from what is stored. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { db } from "@/lib/db/client";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { CONNECTION_TESTED_ACTION, getOnboardingStatus } from "@/lib/queries/get-onboarding-status";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { sampleDsregcmd } from "../setup/sample-reports";

const done = async (tenantRef: string | null) => (await getOnboardingStatus(db, tenantRef)).filter((s) => s.done).map((s) => s.id);

describe("onboarding checklist", () => {
  it("ticks each step off from what is stored, in order", async () => {
    expect(await done(null)).toEqual([]);
    const tenantId = randomUUID();
    const t = await createTenant(db, { tenantId, name: "Adatum", actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    expect(await done(t.id)).toEqual(["tenant"]);

    const app = await setTenantApp(db, {
      tenantRef: t.id,
      cloud: "global",
      clientId: randomUUID(),
      credential: { kind: "secret", clientSecret: "a-secret-value-of-some-length" },
      actor: "test",
    });
    expect(app.ok).toBe(true);
    expect(await done(t.id)).toEqual(["tenant", "app-registration"]);

    // Another tenant's passed test does not count for this one.
    await writeAuditLog(db, { actor: "admin", action: CONNECTION_TESTED_ACTION, tenantRef: null });
    expect(await done(t.id)).toEqual(["tenant", "app-registration"]);
    await writeAuditLog(db, { actor: "admin", action: CONNECTION_TESTED_ACTION, tenantRef: t.id });
    expect(await done(t.id)).toEqual(["tenant", "app-registration", "test-connection"]);

    const token = await createAgentToken(db, { tenantRef: t.id, name: "Intune", actor: "test", allowsDirectUpload: true });
    if (!token.ok) throw new Error("token");
    expect(await done(t.id)).toEqual(["tenant", "app-registration", "test-connection", "agent-token"]);

    const upload = await ingestReport(db, {
      agent: { tokenId: token.id, tenantRef: t.id, tenantId },
      body: { hostname: "PC-0001", capturedAt: new Date().toISOString(), agentVersion: "1.0.0", dsregcmd: sampleDsregcmd({ tenantId }) },
    });
    expect(upload.ok).toBe(true);
    expect(await done(t.id)).toEqual(["tenant", "app-registration", "test-connection", "agent-token", "deploy-agent", "first-report"]);
  });
});
