/**
 * Loads an admin's real device export instead of generated data, so the simulator can replay a
 * production tenant's shapes. Accepts `{ "devices": [...] }` (optionally `deletedDevices`,
 * `tenantId`, `tenantName`) or a raw Graph page `{ "value": [...] }`, devices in Graph v1.0 shape.
 * Properties the export lacks are served as null (Graph's own default), unknown ones as-is.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { GraphDevice } from "./types";

const isoOrNull = z.string().nullable().optional();

const alternativeSecurityIdSchema = z.looseObject({
  type: z.number().int(),
  identityProvider: z.string().nullable().optional(),
  key: z.string(),
});

export const graphDeviceSchema = z.looseObject({
  id: z.string().min(1),
  deviceId: z.string().min(1),
  displayName: z.string(),
  accountEnabled: z.boolean().optional(),
  alternativeSecurityIds: z.array(alternativeSecurityIdSchema).optional(),
  approximateLastSignInDateTime: isoOrNull,
  registrationDateTime: isoOrNull,
  createdDateTime: isoOrNull,
  deletedDateTime: isoOrNull,
  onPremisesLastSyncDateTime: isoOrNull,
  onPremisesSyncEnabled: z.boolean().nullable().optional(),
  trustType: z.enum(["AzureAd", "ServerAd", "Workplace"]).nullable().optional(),
  profileType: z.string().nullable().optional(),
  operatingSystem: z.string().nullable().optional(),
  operatingSystemVersion: z.string().nullable().optional(),
  isCompliant: z.boolean().nullable().optional(),
  isManaged: z.boolean().nullable().optional(),
  mdmAppId: z.string().nullable().optional(),
  physicalIds: z.array(z.string()).optional(),
  systemLabels: z.array(z.string()).optional(),
});

const tenantFileSchema = z.union([
  z.object({
    tenantId: z.string().optional(),
    tenantName: z.string().optional(),
    devices: z.array(graphDeviceSchema),
    deletedDevices: z.array(graphDeviceSchema).optional(),
  }),
  z.object({ value: z.array(graphDeviceSchema) }),
]);

export interface LoadedTenant {
  tenantId: string | null;
  tenantName: string | null;
  devices: GraphDevice[];
  deletedDevices: GraphDevice[];
}

export type LoadTenantResult =
  { ok: true; tenant: LoadedTenant } | { ok: false; error: { code: "unreadable" | "invalid-json" | "invalid-shape"; message: string } };

const DEFAULTS: Omit<GraphDevice, "id" | "deviceId" | "displayName"> = {
  deletedDateTime: null,
  accountEnabled: true,
  alternativeSecurityIds: [],
  approximateLastSignInDateTime: null,
  complianceExpirationDateTime: null,
  createdDateTime: null,
  deviceCategory: null,
  deviceMetadata: null,
  deviceOwnership: null,
  deviceVersion: null,
  enrollmentProfileName: null,
  enrollmentType: null,
  extensionAttributes: {},
  externalSourceName: null,
  isCompliant: null,
  isManaged: null,
  isRooted: null,
  managementType: null,
  manufacturer: null,
  mdmAppId: null,
  model: null,
  onPremisesLastSyncDateTime: null,
  onPremisesSecurityIdentifier: null,
  onPremisesSyncEnabled: null,
  operatingSystem: null,
  operatingSystemVersion: null,
  physicalIds: [],
  profileType: null,
  registrationDateTime: null,
  sourceType: null,
  systemLabels: [],
  trustType: null,
};

function normalize(device: z.infer<typeof graphDeviceSchema>): GraphDevice {
  const out: Record<string, unknown> = { id: device.id };
  for (const [k, v] of Object.entries({ ...DEFAULTS, ...device })) {
    if (k === "@odata.type" || k === "@odata.id") continue;
    out[k] = v === undefined ? null : v;
  }
  return out as GraphDevice;
}

export function parseTenantJson(json: unknown): LoadTenantResult {
  const parsed = tenantFileSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: { code: "invalid-shape", message: z.prettifyError(parsed.error) } };
  }
  const data = parsed.data;
  if ("value" in data) {
    return { ok: true, tenant: { tenantId: null, tenantName: null, devices: data.value.map(normalize), deletedDevices: [] } };
  }
  return {
    ok: true,
    tenant: {
      tenantId: data.tenantId ?? null,
      tenantName: data.tenantName ?? null,
      devices: data.devices.map(normalize),
      deletedDevices: (data.deletedDevices ?? []).map(normalize),
    },
  };
}

export async function loadTenantFromFile(path: string): Promise<LoadTenantResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return { ok: false, error: { code: "unreadable", message: `${path}: ${(error as Error).message}` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return { ok: false, error: { code: "invalid-json", message: `${path}: ${(error as Error).message}` } };
  }
  return parseTenantJson(json);
}
