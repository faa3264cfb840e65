/**
 * The body a Windows agent POSTs to /api/v1/reports (public/agent/Invoke-JoinScopeAgent.ps1 builds it).
 * Limits keep one upload well under the 1 MiB body cap and stop a runaway agent from storing junk.
 */
import { z } from "zod";

const isoDateTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-11-29T08:00:00Z" });

export const AgentEventSchema = z.object({
  id: z.number().int().min(0).max(65535),
  time: isoDateTime,
  level: z.string().trim().min(1).max(32),
  task: z.string().max(200).nullish(),
  log: z.string().max(200).nullish(),
  message: z.string().max(8192),
});

export const ReportUploadSchema = z
  .object({
    hostname: z
      .string()
      .trim()
      .min(1, "hostname is required")
      .max(255)
      .regex(/^[A-Za-z0-9][A-Za-z0-9.\-_]*$/, "hostname must be a computer name or FQDN"),
    capturedAt: isoDateTime,
    agentVersion: z.string().trim().min(1).max(64),
    /** `dsregcmd /status` run in the signed-in user's context, unelevated. */
    dsregcmd: z.string().min(1, "dsregcmd is required").max(512 * 1024),
    /** The same command as SYSTEM or elevated (pre-join diagnostics, KeySignTest). */
    dsregcmdSystem: z.string().max(512 * 1024).nullish(),
    events: z.array(AgentEventSchema).max(500).nullish(),
    /** Distinguished name of the computer object (registry Group Policy state or ADSI). */
    computerDn: z.string().trim().max(2048).nullish(),
    objectGuid: z
      .string()
      .trim()
      .regex(/^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/, "objectGuid must be a GUID")
      .nullish(),
    osBuild: z.string().trim().max(64).nullish(),
  })
  .strict();

export type ReportUpload = z.infer<typeof ReportUploadSchema>;
