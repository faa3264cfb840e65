/**
 * For e2e/audit.spec.ts: `tsx e2e/acknowledge-as.ts ACTOR TENANT_ID` acknowledges one open finding of the tenant (the
 * first not acknowledged of a device no other spec acknowledges) as ACTOR through the same lib
 * function the device page's form calls, and prints { findingId, rule } as JSON.
 */
import { db } from "@/lib/db/client";
import { acknowledgeFinding } from "@/lib/findings/acknowledge-finding";

async function main() {
  const [actor, tenantId] = process.argv.slice(2);
  if (!actor || !tenantId) throw new Error("usage: acknowledge-as.ts ACTOR TENANT_ID");
  const tenant = await db.tenant.findUniqueOrThrow({ where: { tenantId }, select: { id: true } });
  const finding = await db.finding.findFirstOrThrow({
    // Not a finding of the devices other specs acknowledge and count: LT-2231 (acknowledgement.spec.ts), LT-2240 and
    // KIOSK-07 (devices-browser.spec.ts counts their open findings, then acknowledges the ones not acknowledged yet).
    where: { tenantRef: tenant.id, status: "open", acknowledgedAt: null, NOT: { hostname: { in: ["LT-2231", "LT-2240", "KIOSK-07"] } } },
    orderBy: { id: "asc" },
    select: { id: true, rule: true },
  });
  const result = await acknowledgeFinding(db, { findingId: finding.id, comment: "Audit page check", ticket: "", until: "", actor });
  await db.$disconnect();
  if (!result.ok) throw new Error(result.error.message);
  process.stdout.write(JSON.stringify({ findingId: finding.id, rule: finding.rule }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
