"use server";

import { z } from "zod";
import { requireAdmin } from "@/lib/auth/require-admin";
import { DEFAULT_MAX_BYTES, parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import type { CaptureTimeSource } from "@/lib/rules/capture-time";
import { diagnoseOneReport } from "@/lib/rules/diagnose-one-report";
import type { Finding } from "@/lib/rules/types";
import { sortFindings } from "@/lib/ui/severity";
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
    }
  | { ok: false; error: string };

/** A scratchpad: parses and evaluates, stores nothing. */
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
  // The same judgement as the fleet path and the CLI, at the report's own capture time (lib/rules/diagnose-one-report.ts).
  const { findings, captureTime } = diagnoseOneReport({
    report: parsed.report,
    expectedTenantId: tenant?.tenantId ?? null,
    capturedAt: data.capturedAt || null,
    now,
  });
  return {
    ok: true,
    report: parsed.report,
    findings: sortFindings(findings),
    warnings: parsed.warnings,
    evaluatedAt: now,
    capturedAt: captureTime.at,
    capturedAtSource: captureTime.source,
    expectedTenantId: tenant?.tenantId ?? null,
    inputName: data.kind === "file" ? data.fileName : "pasted text",
  };
}
