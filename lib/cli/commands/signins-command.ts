import { parseArgs } from "node:util";
import { CliError } from "../cli-error";
import { findTenantRef } from "../find-tenant-ref";

export const SIGNINS_USAGE =
  "joinscope signins pull [--tenant GUID|NAME]   (blocked sign-ins since the last pull, joined with the devices; every tenant with an app registration when --tenant is omitted)";

/**
 * `joinscope signins pull`: the pull the scheduler runs after each sync, on demand. Exit 0 also when a tenant lacks the
 * licence or the permission (a warning, as on the Sync page); 1 when a pull failed.
 */
export async function runSigninsCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== "pull") throw new CliError(`usage: ${SIGNINS_USAGE}`, 2);
  const { values } = parseArgs({ args: rest, options: { tenant: { type: "string" } } });
  const { db } = await import("@/lib/db/client");
  const { pullSignIns } = await import("@/lib/signins/pull-sign-ins");
  const tenants = values.tenant
    ? [await findTenantRef(db, values.tenant)]
    : (await db.tenant.findMany({ where: { clientId: { not: null } }, select: { id: true }, orderBy: { name: "asc" } })).map((t) => t.id);
  if (tenants.length === 0) throw new CliError("No tenant has an app registration yet: joinscope tenant set-app …");
  let failed = 0;
  for (const tenantRef of tenants) {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { name: true } });
    const r = await pullSignIns(db, {
      tenantRef,
      onProgress: (p) => process.stderr.write(`${tenant.name}: page ${p.pages}, ${p.seen} sign-ins read, ${p.stored} stored\n`),
    });
    if (r.status === "ok") {
      process.stdout.write(
        `${tenant.name}: ${r.seen} sign-ins read in ${r.pages} pages (${r.window?.from} to ${r.window?.to}${r.resumed ? ", resumed" : ""}), ${r.stored} blocked for their device stored, ${r.rejoined} joined again, ${r.expired} past the retention removed, ${r.throttledWaits} throttled waits\n`,
      );
    } else if (r.status === "no-licence" || r.status === "no-permission") {
      process.stderr.write(`joinscope: warning: ${tenant.name}: ${r.message}\n`);
    } else {
      failed++;
      process.stderr.write(`joinscope: ${tenant.name}: sign-in pull ${r.status}: ${r.message}\n`);
    }
  }
  if (failed) throw new CliError(`${failed} tenant${failed === 1 ? "" : "s"} could not be pulled`);
}
