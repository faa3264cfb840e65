import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { CliError } from "../cli-error";
import { findTenantRef } from "../find-tenant-ref";

export const SYNC_USAGE = "joinscope sync [--tenant GUID|NAME] [--full]   (every tenant with an app registration when --tenant is omitted)";

export async function runSyncCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { tenant: { type: "string" }, full: { type: "boolean" } } });
  const { db } = await import("@/lib/db/client");
  const { runSync } = await import("@/lib/sync/run-sync");
  const tenants = values.tenant
    ? [await findTenantRef(db, values.tenant)]
    : (await db.tenant.findMany({ where: { clientId: { not: null } }, select: { id: true }, orderBy: { name: "asc" } })).map((t) => t.id);
  if (tenants.length === 0) throw new CliError("No tenant has an app registration yet: joinscope tenant set-app …");
  let failed = 0;
  for (const tenantRef of tenants) {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { name: true } });
    const interactive = process.stderr.isTTY;
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${tenant.name} {mode} |{bar}| {value}/{total} devices · {pages} pages · {rate}/s · ETA {eta_formatted}`,
        noTTYOutput: false,
        hideCursor: true,
        etaBuffer: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const outcome = await runSync(db, {
      tenantRef,
      mode: values.full ? "full" : "auto",
      trigger: "cli",
      onProgress: (p) => {
        const rate = Math.round(p.devicesSeen / Math.max(0.001, p.elapsedMs / 1000));
        const total = Math.max(p.estimatedTotal ?? 0, p.devicesSeen);
        if (!interactive) {
          process.stderr.write(`${tenant.name}: ${p.mode} page ${p.pages}, ${p.devicesSeen} devices, ${rate}/s\n`);
          return;
        }
        if (!started) {
          bar.start(total || 1, 0, { mode: p.mode, pages: 0, rate: 0 });
          started = true;
        }
        bar.setTotal(total || 1);
        bar.update(p.devicesSeen, { mode: p.mode, pages: p.pages, rate });
      },
    });
    if (started) bar.stop();
    if (!outcome.ok) {
      failed++;
      process.stderr.write(`joinscope: ${tenant.name}: sync failed (${outcome.error.code}): ${outcome.error.message}\n`);
      continue;
    }
    const r = outcome.run;
    const secs = (r.elapsedMs / 1000).toFixed(1);
    process.stdout.write(
      `${tenant.name}: ${r.mode} sync${r.resumed ? " (resumed)" : ""} in ${secs} s: ${r.devicesSeen} devices in ${r.pages} pages, ` +
        `${r.added} added, ${r.changed} changed, ${r.deleted} deleted, ${r.throttledWaits} throttled waits\n`,
    );
    if (r.fallbackReason) process.stdout.write(`  full resync because the delta token was rejected: ${r.fallbackReason}\n`);
    for (const w of r.warnings) process.stdout.write(`  warning: ${w}\n`);
  }
  if (failed) throw new CliError(`${failed} of ${tenants.length} tenant sync(s) failed`);
}
