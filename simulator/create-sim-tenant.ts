/**
 * Builds a ready-to-serve `SimTenant` (generated or loaded devices + an app registration with a
 * deterministic client id and secret), for the CLI, the demo and tests.
 */
import { createPrng, hashSeed } from "./prng";
import { generateTenant, type GenerateTenantOptions } from "./generate-tenant";
import type { LoadedTenant } from "./load-tenant-from-file";
import { generateSignIns, type GenerateSignInsOptions } from "./sign-ins/generate-sign-ins";
import type { SimTenant } from "./server";
import type { GeneratedTenant } from "./types";
import { sampleApplicationProxy } from "./graph/application-proxy";

// Directory.Read.All: the directory audit log (`/auditLogs/directoryAudits`) needs it beside AuditLog.Read.All.
export const DEFAULT_PERMISSIONS = [
  "Device.Read.All",
  "BitlockerKey.ReadBasic.All",
  "DeviceLocalCredential.ReadBasic.All",
  "AuditLog.Read.All",
  "Directory.Read.All",
];

export interface CreateSimTenantOptions extends Partial<GenerateTenantOptions> {
  seed: number;
  /** Use these devices (an admin export) instead of generating them. */
  loaded?: LoadedTenant;
  permissions?: string[];
  /**
   * The sign-in log to serve for a generated tenant (simulator/sign-ins/generate-sign-ins.ts), over the 7 days before
   * `now` by default; false for none (a large device-only tenant).
   */
  signIns?: false | Omit<GenerateSignInsOptions, "seed" | "now">;
  /** Microsoft Entra ID P1/P2: without it the sign-in log answers 403. Default true. */
  premium?: boolean;
  /** Serve the sample Application Proxy connector groups (simulator/graph/application-proxy.ts). Default true. */
  applicationProxy?: boolean;
}

export function createSimTenant(options: CreateSimTenantOptions): { tenant: SimTenant; generated: GeneratedTenant | null } {
  const prng = createPrng(hashSeed(`app:${options.seed}`));
  const clientId = prng.guid();
  // Shaped like an Entra secret value (40 chars, `~` in position 4); simulator-only.
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
  let clientSecret = "";
  for (let i = 0; i < 40; i++) clientSecret += i === 3 ? "~" : prng.pick(alphabet.split(""));
  const permissions = options.permissions ?? DEFAULT_PERMISSIONS;

  if (options.loaded) {
    const tenantId = options.tenantId ?? options.loaded.tenantId ?? prng.guid();
    return {
      tenant: {
        tenantId,
        tenantName: options.tenantName ?? options.loaded.tenantName ?? "Imported",
        clientId,
        clientSecret,
        permissions,
        devices: options.loaded.devices,
        deletedDevices: options.loaded.deletedDevices,
      },
      generated: null,
    };
  }
  const generated = generateTenant({ deviceCount: 200, ...options, seed: options.seed });
  const signIns =
    options.signIns === false ? [] : generateSignIns(generated, { ...options.signIns, seed: options.seed, ...(options.now ? { now: options.now } : {}) });
  return {
    tenant: {
      tenantId: generated.tenantId,
      tenantName: generated.tenantName,
      clientId,
      clientSecret,
      permissions,
      devices: generated.devices,
      deletedDevices: generated.deletedDevices,
      bitlockerKeys: generated.bitlockerKeys,
      lapsCredentials: generated.lapsCredentials,
      signIns,
      ...(options.applicationProxy === false
        ? {}
        : { applicationProxy: sampleApplicationProxy(generated.tenantName.toLowerCase().replace(/[^a-z0-9]/g, "") || "contoso") }),
      ...(options.premium !== undefined ? { premium: options.premium } : {}),
    },
    generated,
  };
}
