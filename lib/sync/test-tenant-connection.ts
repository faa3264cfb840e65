import "server-only";
import type { Db } from "@/lib/db/client";
import { createGraphClient, type GraphClient, type GraphFailure } from "@/lib/graph/graph-client";
import { BitlockerKeysPageSchema, DeltaPageSchema, DevicePageSchema, LapsPageSchema } from "@/lib/graph/graph-schemas";
import { acquireGraphToken } from "@/lib/graph/msal-client";
import { BITLOCKER_KEYS_REQUEST, DELTA_LATEST_REQUEST, devicesFirstPageRequest, LAPS_CREDENTIALS_REQUEST } from "@/lib/graph/sync-requests";
import { describePullFailure } from "@/lib/signins/describe-pull-failure";
import { SignInPageSchema } from "@/lib/signins/graph-sign-in-schema";
import { SIGN_IN_PROBE_REQUEST } from "@/lib/signins/sign-in-requests";
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
 * "Test connection": sign in as the app with a fresh token (MSAL's cached one carries the permissions consented when
 * it was issued, up to an hour before), then send the sync's own requests (lib/graph/sync-requests.ts): its first
 * one (the delta link with the sync's $select), the first page of /devices with that $select, and the BitLocker
 * and LAPS lists as key presence reads them, one page each. It says in plain words which credential, permission
 * or request is wrong. Reads only; writes nothing.
 */
export async function testTenantConnection(db: Db, options: { tenantRef: string; graph?: GraphClient }): Promise<ConnectionReport> {
  const loaded = await loadTenantApp(db, options.tenantRef);
  if (!loaded.ok) return { ok: false, checks: [{ name: "App registration", status: "failed", message: loaded.error.message }] };
  const checks: ConnectionCheck[] = [];
  const token = await acquireGraphToken(loaded.app, { fresh: true });
  if (!token.ok) {
    checks.push({ name: "Sign in as the app", status: "failed", message: token.error.message });
    return { ok: false, checks };
  }
  checks.push({ name: "Sign in as the app", status: "ok", message: `Signed in to ${loaded.app.cloud.authorityHost} as ${loaded.app.clientId}` });
  const graph = options.graph ?? createGraphClient(loaded.app, { maxRetries: 1 }, { token: async () => token });

  const deviceFailure = (failure: GraphFailure, what: string): ConnectionCheck => ({
    name: "Device.Read.All",
    status: "failed",
    message:
      failure.kind === "forbidden"
        ? "The app is missing the Device.Read.All application permission (or admin consent): add it under API permissions → Microsoft Graph → Application permissions, then Grant admin consent."
        : `Graph refused the sync's ${what} (${"code" in failure ? `${failure.code}: ` : ""}${failure.message}); a sync would fail the same way.`,
  });
  const latest = await graph.get(DELTA_LATEST_REQUEST, DeltaPageSchema);
  if (!latest.ok) {
    checks.push(deviceFailure(latest.error, "first request (a delta link for the device properties it selects)"));
    return { ok: false, checks };
  }
  // The sync's /devices request, one device instead of 999.
  const devices = await graph.get(devicesFirstPageRequest(1), DevicePageSchema);
  if (!devices.ok) {
    checks.push(deviceFailure(devices.error, "device list"));
    return { ok: false, checks };
  }
  checks.push({ name: "Device.Read.All", status: "ok", message: "Devices can be listed and tracked with delta, with the properties the sync selects" });

  const optional = async (name: string, path: string, schema: typeof BitlockerKeysPageSchema | typeof LapsPageSchema, what: string) => {
    const r = await graph.get(path, schema);
    if (r.ok) checks.push({ name, status: "ok", message: `${what} presence can be read` });
    else if (r.error.kind === "forbidden") {
      checks.push({ name, status: "warning", message: `Optional: without ${name}, JoinScope cannot tell whether ${what} would be lost by a re-join.` });
    } else checks.push({ name, status: "warning", message: `${what}: ${r.error.message}` });
  };
  await optional("BitlockerKey.ReadBasic.All", BITLOCKER_KEYS_REQUEST, BitlockerKeysPageSchema, "BitLocker recovery key");
  await optional("DeviceLocalCredential.ReadBasic.All", LAPS_CREDENTIALS_REQUEST, LapsPageSchema, "LAPS password");
  // Optional as well: the sign-in log (Entra ID P1/P2 and AuditLog.Read.All) explains blocked sign-ins.
  const signIns = await graph.get(SIGN_IN_PROBE_REQUEST, SignInPageSchema);
  checks.push(
    signIns.ok
      ? { name: "AuditLog.Read.All", status: "ok", message: "The sign-in log can be read: blocked sign-ins are explained on the Sign-ins page" }
      : { name: "AuditLog.Read.All", status: "warning", message: describePullFailure(signIns.error).message },
  );
  return { ok: true, checks };
}
