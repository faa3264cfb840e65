/**
 * One measured step of bench:rules in a fresh process (a cold start). argv: floor | full | incremental.
 * Prints one JSON line: { seconds, subjects, peakRssMb, ... }.
 */
import { createDb } from "@/lib/db/client";
import { loadSubjectContext } from "@/lib/findings/load-device-subjects";
import { reevaluateAllFindings, reevaluateFindings, SUBJECT_BATCH } from "@/lib/findings/reevaluate-findings";
import { peakRssMb } from "./server";

const mode = process.argv[2] as "floor" | "full" | "incremental";
const db = createDb(process.env.DATABASE_URL!);
const tenant = await db.tenant.findFirstOrThrow({ select: { id: true } });
const started = performance.now();
let out: Record<string, unknown>;
if (mode === "floor") {
  // The same reads as a full pass through the same loader (directory, report heads, report bodies and events in
  // batches of the same size), no rules, no writes.
  const ctx = await loadSubjectContext({ tenantRef: tenant.id, scope: "all" });
  let subjects = 0;
  for (let i = 0; i < ctx.keys.length; i += SUBJECT_BATCH) {
    for (const pending of await ctx.build(ctx.keys.slice(i, i + SUBJECT_BATCH))) if (pending.load().subject) subjects++;
  }
  out = { subjects };
} else if (mode === "full") {
  out = { ...(await reevaluateAllFindings(db, tenant.id)) };
} else {
  const deviceIds = JSON.parse(process.env.BENCH_CHANGED ?? "[]") as string[];
  out = { ...(await reevaluateFindings(db, { tenantRef: tenant.id, scope: { deviceIds } })) };
}
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, peakRssMb: peakRssMb(), ...out }));
await db.$disconnect();
process.exit(0);
