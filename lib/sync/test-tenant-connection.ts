import "server-only";
import type { Db } from "@/lib/db/client";
import { createGraphClient, type GraphClient } from "@/lib/graph/graph-client";
import { BitlockerKeysPageSchema, DevicePageSchema, LapsPageSchema } from "@/lib/graph/graph-schemas";
import { acquireGraphToken } from "@/lib/graph/msal-client";
import { loadTenantApp } from "./load-tenant-app";

export interface ConnectionCheck {
  name: string;
  status: "ok" | "failed" | "warning" | "skipped";
  message: string;
}

export interface ConnectionReport {
  ok: boolean;
  checks: ConnectionCheck[];
}

/**
 * "Test connection": sign in as the app, then read one device, one BitLocker key id and one LAPS entry,
 * and say in plain words which permission or credential is wrong. Reads only; writes nothing.
 */
export async function testTenantConnection(db: Db, options: { tenantRef: string; graph?: GraphClient }): Promise<ConnectionReport> {
  const loaded = await loadTenantApp(db, options.tenantRef);
  if (!loaded.ok) return { ok: false, checks: [{ name: "App registration", status: "failed", message: loaded.error.message }] };
  const checks: ConnectionCheck[] = [];
  const token = await acquireGraphToken(loaded.app);
  if (!token.ok) {
    checks.push({ name: "Sign in as the app", status: "failed", message: token.error.message });
    return { ok: false, checks };
  }
  checks.push({ name: "Sign in as the app", status: "ok", message: `Signed in to ${loaded.app.cloud.authorityHost} as ${loaded.app.clientId}` });
  const graph = options.graph ?? createGraphClient(loaded.app, { maxRetries: 1 });

  const devices = await graph.get("/devices?$select=id&$top=1", DevicePageSchema);
  if (devices.ok) {
    checks.push({ name: "Device.Read.All", status: "ok", message: "Devices can be listed" });
  } else {
    checks.push({
      name: "Device.Read.All",
      status: "failed",
      message:
        devices.error.kind === "forbidden"
          ? "The app is missing the Device.Read.All application permission (or admin consent): add it under API permissions → Microsoft Graph → Application permissions, then Grant admin consent."
          : `Listing devices failed: ${devices.error.message}`,
    });
    return { ok: false, checks };
  }
  const optional = async (name: string, path: string, schema: typeof BitlockerKeysPageSchema | typeof LapsPageSchema, what: string) => {
    const r = await graph.get(path, schema);
    if (r.ok) checks.push({ name, status: "ok", message: `${what} presence can be read` });
    else if (r.error.kind === "forbidden") {
      checks.push({ name, status: "warning", message: `Optional: without ${name}, JoinScope cannot tell whether ${what} would be lost by a re-join.` });
    } else checks.push({ name, status: "warning", message: `${what}: ${r.error.message}` });
  };
  await optional("BitlockerKey.ReadBasic.All", "/informationProtection/bitlocker/recoveryKeys?$select=id,deviceId&$top=1", BitlockerKeysPageSchema, "BitLocker recovery key");
  await optional("DeviceLocalCredential.ReadBasic.All", "/directory/deviceLocalCredentials?$select=id&$top=1", LapsPageSchema, "LAPS password");
  return { ok: true, checks };
}
