/**
 * bench:ingest's uploads (bench/ingest.ts), shared with bench:ingest-cpu (bench/ingest-cpu.ts) so that both measure
 * the same bodies: every fixture build and the simulator's states, each with events, each upload distinct.
 *
 * `renames` (the default of every round): each upload under a host name of its own, so 88% of uploads rename the
 * device they report. `fleet`: each registration id keeps one host name, as real agents' uploads do (decision 011),
 * and each upload carries one new event, which makes it a new stored report rather than a count of its device's
 * latest (decision 013).
 */
import { FIXTURES, readFixture } from "@/lib/reports/fixtures";
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { generateTenant } from "@/simulator/generate-tenant";

export const INGEST_TENANT_ID = "aaaabbbb-0000-cccc-1111-dddd2222eeee";

export type IngestWorkload = "renames" | "fleet";

export function parseIngestWorkload(value: string | undefined): IngestWorkload {
  if (value === undefined || value === "renames" || value === "fleet") return value ?? "renames";
  throw new Error(`--workload must be renames or fleet (got "${value}")`);
}

/** `count` upload bodies (JSON text), captured 100 ms apart from an hour ago. */
export function ingestUploads(count: number, workload: IngestWorkload): string[] {
  const generated = generateTenant({ seed: 11, deviceCount: 400, tenantId: INGEST_TENANT_ID, tenantName: "Contoso", now: new Date() });
  const templates = [
    ...generated.reports.map((r) => ({ dsregcmd: r.dsregcmd, events: r.events, computerDn: r.computerDn })),
    ...FIXTURES.map((f) => {
      const decoded = decodeReportText(readFixture(f.file));
      if (!decoded.ok) throw new Error(f.file);
      return { dsregcmd: decoded.text, events: generated.reports[0]!.events, computerDn: null as string | null };
    }),
  ];
  const base = Date.now() - 3600_000;
  return Array.from({ length: count }, (_, i) => {
    const t = templates[i % templates.length]!;
    const capturedAt = new Date(base + i * 100).toISOString();
    // fleet: what an AAD Operational log shows of a healthy machine between two captures (an informational event).
    const newEvent = {
      id: 1144,
      time: capturedAt,
      level: "Information",
      task: "AadCloudAPPlugin Operation",
      log: "Microsoft-Windows-AAD/Operational",
      message: `Bench capture ${i}`,
    };
    return JSON.stringify({
      hostname: workload === "fleet" ? `BENCH-T${String(i % templates.length).padStart(4, "0")}` : `BENCH-${String(i).padStart(6, "0")}`,
      capturedAt,
      agentVersion: "1.0.0",
      dsregcmd: t.dsregcmd,
      events: workload === "fleet" ? [...(t.events ?? []), newEvent] : t.events,
      ...(t.computerDn ? { computerDn: t.computerDn } : {}),
    });
  });
}
