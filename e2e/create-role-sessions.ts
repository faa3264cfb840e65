/**
 * Prints a session token per role as JSON ({ Reader, Operator, Admin, none, limited }) for e2e/authorization.spec.ts,
 * and `other`: ids of another tenant's data (the first row of each kind outside Contoso) for the tenant-limited user's
 * checks. Each role gets a local account of its own (no password: the spec never signs in through the form, and a
 * session is all the checks under test read), created on first use; the session is started through lib/auth's
 * startSession. `limited` is an Admin an access limit (decision 027) keeps to the Contoso tenant.
 */
import { randomBytes } from "node:crypto";
import { setAccessLimit } from "@/lib/access/set-access-limit";
import { enrolAgentDevice } from "@/lib/agent-devices/enrol-agent-device";
import { startSession } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { E2E_TENANT } from "./constants";

const ROLES = { Reader: "Reader", Operator: "Operator", Admin: "Admin", none: null, limited: "Admin" } as const;
const LIMITED_EMAIL = "e2e-role-limited@joinscope.test";

async function main() {
  const tokens: Record<string, string> = {};
  for (const [key, role] of Object.entries(ROLES)) {
    const email = `e2e-role-${key.toLowerCase()}@joinscope.test`;
    const user =
      (await db.adminUser.findUnique({ where: { email }, select: { id: true } })) ??
      (await db.adminUser.create({ data: { email, name: `E2E ${key}`, passwordHash: "", role }, select: { id: true } }));
    const session = await db.$transaction((tx) => startSession(tx, user.id, undefined, new Date()));
    tokens[key] = session.sessionToken;
  }
  const contoso = await db.tenant.findUniqueOrThrow({ where: { tenantId: E2E_TENANT.tenantId }, select: { id: true } });
  const limit = await setAccessLimit(db, { kind: "user", principal: LIMITED_EMAIL, tenantRefs: [contoso.id], actor: "e2e-seed" });
  if (!limit.ok) throw new Error(limit.error.message);

  const outside = { tenantRef: { not: contoso.id } };
  await ensureOtherEnrolledDevice(contoso.id);
  const [finding, report, token, agentDevice, signIn] = await Promise.all([
    db.finding.findFirst({ where: { ...outside, status: "open", acknowledgedAt: null }, select: { id: true, tenantRef: true, subjectKey: true } }),
    // One whose text is kept (decision 013), so an unlimited Admin's raw-text request is answered.
    db.deviceReport.findFirst({ where: { ...outside, OR: [{ dsregcmdText: { not: "" } }, { textZ: { not: null } }] }, select: { id: true } }),
    db.agentToken.findFirst({ where: { ...outside, revokedAt: null }, select: { id: true } }),
    db.agentDevice.findFirst({ where: outside, select: { id: true } }),
    db.signInEvent.findFirst({ where: outside, select: { id: true, tenantRef: true } }),
  ]);
  if (!finding || !report || !token || !agentDevice || !signIn)
    throw new Error("the e2e seed holds no other tenant's finding, report, token, device or sign-in");
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: finding.tenantRef }, select: { id: true, tenantId: true, name: true } });
  // A saved Application Proxy diagnosis of that tenant, for its page by id (the seed saves none).
  const diagnosis =
    (await db.proxyDiagnosis.findFirst({ where: { tenantRef: tenant.id }, select: { id: true } })) ??
    (await db.proxyDiagnosis.create({
      data: {
        tenantRef: tenant.id,
        title: "Other tenant's diagnosis",
        savedBy: "e2e-seed",
        fileCount: 0,
        findingCount: 0,
        worstSeverity: "info",
        files: [],
        findings: [],
      },
      select: { id: true },
    }));
  await db.$disconnect();
  process.stdout.write(
    JSON.stringify({
      ...tokens,
      other: {
        ownTenantRef: contoso.id,
        tenantRef: tenant.id,
        tenantId: tenant.tenantId,
        name: tenant.name,
        findingId: finding.id,
        subjectKey: finding.subjectKey,
        reportId: report.id,
        tokenId: token.id,
        agentDeviceId: agentDevice.id,
        signInId: signIn.id,
        signInTenantRef: signIn.tenantRef,
        proxyDiagnosisId: diagnosis.id,
      },
    }),
  );
}

/**
 * The seed enrols agents for Contoso only: one machine is enrolled with another tenant's agent token (the simulator's
 * Litware has one), once, so the revoke/rotate/re-enrol actions have another tenant's device to be refused.
 */
async function ensureOtherEnrolledDevice(contosoRef: string) {
  if (await db.agentDevice.findFirst({ where: { tenantRef: { not: contosoRef } }, select: { id: true } })) return;
  const token = await db.agentToken.findFirstOrThrow({ where: { tenantRef: { not: contosoRef }, revokedAt: null }, select: { id: true, tenantRef: true } });
  const enrolled = await enrolAgentDevice(directDb(), {
    tenantRef: token.tenantRef,
    tokenId: token.id,
    request: { hostname: "E2E-OTHER-TENANT", deviceId: null, agentVersion: "2.0.0", machineKey: randomBytes(32).toString("base64url") },
    clientAddress: "10.20.30.41",
  });
  if (!enrolled.ok) throw new Error(`enrolment: ${enrolled.error.message}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
