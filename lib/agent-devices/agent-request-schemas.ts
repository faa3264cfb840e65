/**
 * The bodies of the enrolment and key endpoints (decision 011): strict, so a misspelt field is a 400 that names it.
 */
import { z } from "zod";
import { HostnameSchema } from "@/lib/ingest/upload-schema";
import { isWellFormedMachineKey } from "./device-key-format";
import { DeviceProofSchema } from "./device-proof";

/**
 * Enrolment and key bodies are a few hundred bytes, ~2 KB with a device proof (a ~1 KB certificate in base64 and a
 * signature); anything over this is refused (413) before it is read.
 */
export const AGENT_REQUEST_MAX_BYTES = 8192;

const MachineKeySchema = z.string().refine(isWellFormedMachineKey, "machineKey must be 43 base64url characters (32 random bytes)");

/** A registration id as dsregcmd prints it (braces tolerated), stored lower-case. */
const DeviceIdSchema = z
  .string()
  .trim()
  .regex(/^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/, "deviceId must be a GUID or null")
  .transform((v) => v.replace(/[{}]/g, "").toLowerCase());

export const EnrolmentRequestSchema = z
  .object({
    hostname: HostnameSchema,
    /** null when the machine is not joined (dsregcmd prints no DeviceId). */
    deviceId: DeviceIdSchema.nullish().transform((v) => v ?? null),
    agentVersion: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\x20-\x7E]+$/, "agentVersion must be printable ASCII"),
    machineKey: MachineKeySchema,
    /** Optional (decision 042): the machine's Entra ID device certificate and a statement signed with its key. */
    deviceProof: DeviceProofSchema.optional(),
  })
  .strict();

export type EnrolmentRequest = z.infer<typeof EnrolmentRequestSchema>;

export const KeyRotationRequestSchema = z.object({ machineKey: MachineKeySchema }).strict();
