import "server-only";
import type { Db } from "@/lib/db/client";

export type OnboardingStepId = "tenant" | "app-registration" | "test-connection" | "agent-token" | "deploy-agent" | "first-report";

export interface OnboardingStep {
  id: OnboardingStepId;
  done: boolean;
}

/** The audit action "Test connection" records when the connection works (app/(dashboard)/settings/actions.ts). */
export const CONNECTION_TESTED_ACTION = "tenant.connection-test-passed";

/**
 * The first-run checklist of a new install (issue 23 item 12), in order: a tenant, its app registration, a passing Test
 * connection (or a sync that worked, which proves the same), an agent token, an agent deployed (an enrolled machine, or
 * any upload) and the first report. Each is one indexed existence check.
 */
export async function getOnboardingStatus(db: Db, tenantRef: string | null): Promise<OnboardingStep[]> {
  if (!tenantRef) {
    return (["tenant", "app-registration", "test-connection", "agent-token", "deploy-agent", "first-report"] as const).map((id) => ({ id, done: false }));
  }
  const [tenant, tested, token, enrolled, report] = await Promise.all([
    db.tenant.findUnique({ where: { id: tenantRef }, select: { clientId: true, credentialCiphertext: true, lastFullSyncAt: true } }),
    db.auditLog.findFirst({ where: { tenantRef, action: CONNECTION_TESTED_ACTION }, select: { id: true } }),
    db.agentToken.findFirst({ where: { tenantRef }, select: { id: true } }),
    db.agentDevice.findFirst({ where: { tenantRef }, select: { id: true } }),
    db.deviceReport.findFirst({ where: { tenantRef }, select: { id: true } }),
  ]);
  return [
    { id: "tenant", done: tenant !== null },
    { id: "app-registration", done: !!tenant?.clientId && !!tenant.credentialCiphertext },
    { id: "test-connection", done: tested !== null || !!tenant?.lastFullSyncAt },
    { id: "agent-token", done: token !== null },
    { id: "deploy-agent", done: enrolled !== null || report !== null },
    { id: "first-report", done: report !== null },
  ];
}
