/**
 * Seeds the e2e database through the same lib functions the app uses: one admin, the Contoso tenant, and a
 * handful of agent uploads made from lib/reports/fixtures so Overview and Reports have realistic content.
 * Run by scripts/e2e-server.mjs: node --conditions=react-server --import tsx e2e/seed.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { createAdminUser } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { createTenant } from "@/lib/tenants/create-tenant";
import { E2E_ADMIN, E2E_TENANT } from "./constants";

// Run from the repository root (scripts/e2e-server.mjs sets cwd).
const FIXTURES = join(process.cwd(), "lib/reports/fixtures");

/** Hostname, fixture, how long ago it was captured: one upload each, as an agent would send it. */
const UPLOADS: [string, string, number][] = [
  ["PC-0142", "win11-24h2-hybrid-full.txt", 2],
  ["PC-0466", "win11-24h2-hybrid-disabled.txt", 5],
  ["PC-0087", "win10-21h1-hybrid-deleted.txt", 9],
  ["LT-2231", "win11-22h2-entra-wrong-password.txt", 14],
  ["LT-2240", "win11-23h2-entra-mfa-required.txt", 26],
  ["PC-0311", "win10-22h2-hybrid-network-fail.txt", 30],
  ["PC-0019", "win11-23h2-hybrid.txt", 40],
  ["KIOSK-07", "win10-21h2-registered.txt", 50],
];

async function main() {
  const admin = await createAdminUser(db, E2E_ADMIN, "e2e-seed");
  if (!admin.ok) throw new Error(`seed admin: ${admin.error.message}`);
  const tenant = await createTenant(db, { ...E2E_TENANT, actor: "e2e-seed" });
  if (!tenant.ok) throw new Error(`seed tenant: ${tenant.error.message}`);
  const token = await createAgentToken(db, { tenantRef: tenant.id, name: "Intune remediation (seed)", actor: E2E_ADMIN.email });
  if (!token.ok) throw new Error(`seed token: ${token.error.message}`);

  const now = Date.now();
  for (const [hostname, fixture, minutesAgo] of UPLOADS) {
    const captured = new Date(now - minutesAgo * 60_000);
    const result = await ingestReport(db, {
      agent: { tokenId: token.id, tenantRef: tenant.id, tenantId: E2E_TENANT.tenantId },
      body: {
        hostname,
        capturedAt: captured.toISOString(),
        agentVersion: "1.0.0",
        dsregcmd: readFileSync(join(FIXTURES, fixture), "utf8"),
        computerDn: `CN=${hostname},OU=Workstations,DC=corp,DC=contoso,DC=com`,
      },
      now: new Date(captured.getTime() + 20_000),
    });
    if (!result.ok) throw new Error(`seed upload ${fixture}: ${result.error.message}`);
  }
  await db.$disconnect();
  console.log(`e2e seed: admin ${E2E_ADMIN.email}, tenant ${E2E_TENANT.name}, ${UPLOADS.length} reports`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
