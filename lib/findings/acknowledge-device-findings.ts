import "server-only";
import type { Db } from "@/lib/db/client";
import { acknowledgeFindings } from "./acknowledge-findings";

/** The most devices one bulk acknowledgement takes: more than a page of the Devices list (50), bounded. */
export const MAX_BULK_ACK_DEVICES = 200;

export type AcknowledgeDeviceFindingsResult =
  { ok: true; acknowledged: number; devices: number } | { ok: false; error: { code: "invalid-input" | "too-many"; message: string } };

/**
 * The Devices list's bulk acknowledgement: every open, unacknowledged finding of the selected devices (an earlier
 * acknowledgement and its comment are kept), through acknowledgeFindings (one event and one audit entry per finding,
 * one transaction). A selection with nothing left to acknowledge is not an error here: it acknowledges none.
 */
export async function acknowledgeDeviceFindings(
  db: Db,
  input: { tenantRef: string; subjectKeys: string[]; comment: string; actor: string; ticket?: string; until?: string },
  now = new Date(),
): Promise<AcknowledgeDeviceFindingsResult> {
  if (input.subjectKeys.length === 0) return { ok: false, error: { code: "invalid-input", message: "Select at least one device" } };
  if (input.subjectKeys.length > MAX_BULK_ACK_DEVICES)
    return { ok: false, error: { code: "invalid-input", message: `Select at most ${MAX_BULK_ACK_DEVICES} devices` } };
  const result = await acknowledgeFindings(db, { ...input, bulk: true }, now);
  if (result.ok) return { ok: true, acknowledged: result.acknowledged, devices: result.devices };
  if (result.error.code === "nothing-to-acknowledge") return { ok: true, acknowledged: 0, devices: 0 };
  return { ok: false, error: { code: result.error.code, message: result.error.message } };
}
