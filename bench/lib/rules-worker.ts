/**
 * One step of bench:rules in a fresh process (a cold start). argv: load | floor | full | disable | incremental | summaries
 * (load and disable set the data up and are not measured).
 * Prints one JSON line: { seconds, cpuSeconds, mainCpuSeconds, subjects, peakRssMb, ... }. CPU seconds are the
 * process's (every thread) and the main thread's: on a machine shared with other benchmarks they move less than
 * wall time, and the main thread's is the pass's critical path when the writes run on a thread of their own.
 */
import { readFileSync } from "node:fs";
import { createDb } from "@/lib/db/client";
import { createDirectDb } from "@/lib/db/direct";
import { loadSubjectContext } from "@/lib/findings/load-subject-context";
import { reevaluateAllFindings, reevaluateFindings } from "@/lib/findings/findings-scheduler";
import { SUBJECT_BATCH } from "@/lib/findings/run-findings-pass";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { peakRssMb } from "./server";
import { writeBenchTenant } from "./tenant-data";

const mode = process.argv[2] as "load" | "floor" | "full" | "disable" | "incremental" | "summaries";
const db = createDb(process.env.DATABASE_URL!);
if (mode === "load") {
  // The tenant, one report per device, written straight into the tables; then 1% of the reporting devices are the
  // ones the incremental step changes.
  const direct = createDirectDb(process.env.DATABASE_URL!);
  const { reports, reportedDeviceIds } = await writeBenchTenant(direct, { devices: Number(process.env.BENCH_DEVICES), reportsPerDevice: 1, now: new Date() });
  await direct.close();
  console.log(JSON.stringify({ reports, changed: reportedDeviceIds.filter((_, i) => i % 100 === 7) }));
  process.exit(0);
}
if (mode === "disable") {
  // 1% of the devices disabled in the directory, as a delta sync writes it (not measured).
  const deviceIds = JSON.parse(process.env.BENCH_CHANGED ?? "[]") as string[];
  await db.directoryDevice.updateMany({ where: { deviceId: { in: deviceIds } }, data: { accountEnabled: false, updatedAt: new Date() } });
  console.log(JSON.stringify({ disabled: deviceIds.length }));
  process.exit(0);
}
const tenant = await db.tenant.findFirstOrThrow({ select: { id: true } });
const started = performance.now();
const cpu = process.cpuUsage();
const mainCpu = mainThreadCpuSeconds();
let out: Record<string, unknown>;
if (mode === "floor") {
  // The same reads as a full pass through the same loader (directory, report heads, report bodies and events in
  // batches of the same size, each batch's rows requested while the one before is parsed), no rules, no writes.
  const ctx = await loadSubjectContext({ tenantRef: tenant.id, scope: "all" });
  let subjects = 0;
  for await (const batch of ctx.batches(SUBJECT_BATCH)) {
    for (const pending of batch) if (pending.load().subject) subjects++;
  }
  out = { subjects };
} else if (mode === "summaries") {
  // The one-off rebuild of the device summaries (the tenant was written straight into the tables): the findings
  // pass then updates existing summaries, as it does in production.
  await ensureDeviceSummaries(tenant.id);
  out = { subjects: await db.deviceSummary.count({ where: { tenantRef: tenant.id } }) };
  // SQLite: the rebuild's WAL (185-200 MB) folded into the database before the measured steps, so that the floor does
  // not read through it and the full pass does not pay its checkpoint (the summaries step is not judged).
  if (process.env.DATABASE_URL!.startsWith("file:")) {
    const direct = createDirectDb(process.env.DATABASE_URL!);
    await direct.query(`PRAGMA wal_checkpoint(TRUNCATE)`);
    await direct.close();
  }
} else if (mode === "full") {
  out = { ...(await reevaluateAllFindings(db, tenant.id)) };
} else {
  const deviceIds = JSON.parse(process.env.BENCH_CHANGED ?? "[]") as string[];
  out = { ...(await reevaluateFindings({ tenantRef: tenant.id, scope: { deviceIds } })) };
}
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const round = (n: number) => Math.round(n * 100) / 100;
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: round((used.user + used.system) / 1e6),
    mainCpuSeconds: round(mainThreadCpuSeconds() - mainCpu),
    peakRssMb: peakRssMb(),
    ...out,
  }),
);
await db.$disconnect();
process.exit(0);

/** User + system time of the main thread (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms); NaN elsewhere. */
function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
