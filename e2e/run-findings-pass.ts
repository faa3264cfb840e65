/**
 * Runs one incremental findings pass over one device of a tenant at a given time, as the app's scheduler would after
 * an upload: `tsx e2e/run-findings-pass.ts TENANT_ID HOSTNAME ISO_TIME`. The acknowledgement test uses it to be "the
 * next pass" after an acknowledgement's expiry without waiting for the day to pass. Prints the pass's counts as JSON.
 */
import { db } from "@/lib/db/client";
import { reevaluateFindings } from "@/lib/findings/findings-scheduler";

async function main() {
  const [tenantId, hostname, iso] = process.argv.slice(2);
  if (!tenantId || !hostname || !iso || Number.isNaN(Date.parse(iso))) throw new Error("usage: run-findings-pass.ts TENANT_ID HOSTNAME ISO_TIME");
  const tenant = await db.tenant.findUniqueOrThrow({ where: { tenantId }, select: { id: true } });
  const result = await reevaluateFindings({ tenantRef: tenant.id, scope: { hostnames: [hostname] }, now: new Date(iso) });
  await db.$disconnect();
  process.stdout.write(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
