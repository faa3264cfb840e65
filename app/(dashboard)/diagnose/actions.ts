"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/require-admin";
import { db } from "@/lib/db/client";
import { attachPastedReport } from "@/lib/diagnose/attach-pasted-report";
import { diagnoseWithDirectory, type PastedReportDevice } from "@/lib/diagnose/diagnose-with-directory";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { DEFAULT_MAX_BYTES, parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { CaptureTimeSource } from "@/lib/rules/capture-time";
import { diagnoseOneReport } from "@/lib/rules/diagnose-one-report";
import type { Finding } from "@/lib/rules/types";
import { sortFindings } from "@/lib/display/severity";
import { getDashboardContext } from "../_lib/dashboard-context";

/** "Captured at (UTC)" from the form's datetime-local field: `2025-03-09T12:30` (seconds optional), read as UTC. */
const CapturedAt = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "Enter the capture time as a date and time (UTC).")
  .refine((v) => !Number.isNaN(Date.parse(`${v}Z`)), "Enter the capture time as a date and time (UTC).")
  .transform((v) => new Date(`${v}Z`).toISOString());

/** Pasted text, or a file's bytes as base64 (so UTF-16LE files from PowerShell 5.1 `>` reach the parser undecoded). */
const DiagnoseSource = z.union([
  z.object({ kind: z.literal("text"), text: z.string().max(DEFAULT_MAX_BYTES, "That is more text than one dsregcmd /status output.") }),
  z.object({
    kind: z.literal("file"),
    fileName: z.string().max(260),
    base64: z
      .string()
      .max(Math.ceil((DEFAULT_MAX_BYTES * 4) / 3) + 4, "The file is larger than one dsregcmd /status output (512 KiB).")
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "The file could not be read."),
  }),
]);

const DiagnoseInput = z.intersection(DiagnoseSource, z.object({ capturedAt: z.union([z.literal(""), CapturedAt]).optional() }));

export type DiagnoseInput = z.input<typeof DiagnoseInput>;

export type DiagnoseResult =
  | {
      ok: true;
      report: ParsedDsregcmd;
      findings: Finding[];
      warnings: string[];
      evaluatedAt: string;
      /** When the report was captured, and how that is known (lib/rules/capture-time.ts). */
      capturedAt: string | null;
      capturedAtSource: CaptureTimeSource;
      expectedTenantId: string | null;
      inputName: string;
      /** The synced device the report's DeviceId names in the selected tenant (its findings then include the directory's), or null. */
      device: (PastedReportDevice & { href: string; tenantName: string }) | null;
      /** The rule of the primary cause among the findings, when the directory was consulted. */
      primaryRule: string | null;
    }
  | { ok: false; error: string };

/** A scratchpad: parses and evaluates, stores nothing. With a synced tenant it reads the device's directory object. */
export async function diagnoseAction(input: DiagnoseInput): Promise<DiagnoseResult> {
  await requireAdmin();
  const parsedInput = DiagnoseInput.safeParse(input);
  if (!parsedInput.success) return { ok: false, error: parsedInput.error.issues[0]?.message ?? "The input could not be read." };
  const data = parsedInput.data;
  const source = data.kind === "text" ? data.text : new Uint8Array(Buffer.from(data.base64, "base64"));
  const parsed = parseDsregcmd(source);
  if (!parsed.ok) return { ok: false, error: parsed.error.message };

  const { tenant } = await getDashboardContext();
  const now = new Date().toISOString();
  // The directory's view first: the same subject the findings pass builds for this DeviceId (lib/diagnose).
  const withDirectory = tenant ? await diagnoseWithDirectory({ tenantRef: tenant.id, report: parsed.report, capturedAt: data.capturedAt || null, now }) : null;
  // Otherwise the report-only rules, as the CLI does (lib/rules/diagnose-one-report.ts).
  const { findings, captureTime } =
    withDirectory ?? diagnoseOneReport({ report: parsed.report, expectedTenantId: tenant?.tenantId ?? null, capturedAt: data.capturedAt || null, now });
  return {
    ok: true,
    report: parsed.report,
    findings: withDirectory ? findings : sortFindings(findings),
    warnings: parsed.warnings,
    evaluatedAt: now,
    capturedAt: captureTime.at,
    capturedAtSource: captureTime.source,
    expectedTenantId: tenant?.tenantId ?? null,
    inputName: data.kind === "file" ? data.fileName : "pasted text",
    device: withDirectory && tenant ? { ...withDirectory.device, href: deviceHref(withDirectory.device.subjectKey), tenantName: tenant.name } : null,
    primaryRule: withDirectory?.primaryRule ?? null,
  };
}

const AttachInput = z.intersection(
  DiagnoseInput,
  z.object({
    deviceId: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[0-9a-f-]{36}$/, "Unknown device."),
  }),
);

export type AttachInput = z.input<typeof AttachInput>;
export type AttachResult = { ok: true; href: string; duplicate: boolean } | { ok: false; error: string };

/** Stores the diagnosed report as a report of its device (explicit click only), audit-logged. */
export async function attachPastedReportAction(input: AttachInput): Promise<AttachResult> {
  const admin = await requireAdmin();
  const parsedInput = AttachInput.safeParse(input);
  if (!parsedInput.success) return { ok: false, error: parsedInput.error.issues[0]?.message ?? "The input could not be read." };
  const data = parsedInput.data;
  const { tenant } = await getDashboardContext();
  if (!tenant) return { ok: false, error: "Select a tenant first." };
  const decoded = decodeReportText(data.kind === "text" ? data.text : new Uint8Array(Buffer.from(data.base64, "base64")));
  if (!decoded.ok) return { ok: false, error: decoded.error.message };
  const result = await attachPastedReport(db, {
    tenantRef: tenant.id,
    tenantId: tenant.tenantId,
    actor: admin.email,
    text: decoded.text,
    deviceId: data.deviceId,
    capturedAt: data.capturedAt || null,
  });
  if (!result.ok) return { ok: false, error: result.error.message };
  const href = deviceHref(result.subjectKey);
  revalidatePath(href);
  return { ok: true, href, duplicate: result.duplicate };
}
