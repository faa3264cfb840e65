import type { AgentEvent, ParsedDsregcmd } from "@/lib/reports/types";
import type { Evidence } from "@/lib/rules/types";

/** A device certificate that ends sooner than this is reported as `cert-expiring`. */
export const DEFAULT_CERT_EXPIRING_DAYS = 60;

/**
 * The PRT is renewed every 4 h (https://learn.microsoft.com/entra/identity/devices/concept-primary-refresh-token),
 * so an update older than one missed renewal plus an hour of slack is stale.
 */
export const DEFAULT_PRT_STALE_HOURS = 5;

/** Everything the report-only rules look at. Plain data: the caller supplies the clock. */
export interface ReportRuleInput {
  /** The capture the agent ran in the signed-in user's session (or the pasted report). */
  report: ParsedDsregcmd;
  /** The SYSTEM / elevated capture, when the agent sends one: pre-join diagnostics and DeviceAuthStatus live there. */
  systemReport?: ParsedDsregcmd | null;
  /** AAD Operational and User Device Registration events uploaded with the report. */
  events?: AgentEvent[];
  /** The tenant the upload's agent token belongs to. */
  expectedTenantId?: string | null;
  /** ISO 8601: when dsregcmd ran (capture-time.ts resolveCaptureTime), or null when unknown: PRT times are judged
   * against it, and with no capture time they are stated as info, never raised as failures. */
  capturedAt: string | null;
  /** Where capturedAt came from, for the evidence line (default: the agent's upload). */
  capturedAtEvidence?: Evidence | null;
  /** ISO 8601: the evaluation time. Certificate expiry is judged against this. */
  now: string;
  certExpiringDays?: number;
  prtStaleHours?: number;
}
