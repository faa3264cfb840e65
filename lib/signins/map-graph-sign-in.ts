import type { SignInEvent } from "@/lib/rules/signin/sign-in-subject";
import type { GraphSignIn } from "./graph-sign-in-schema";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const orNull = (value: string | null | undefined) => {
  const v = value?.trim();
  return v ? v : null;
};

/**
 * The rules' view of a Graph sign-in. Graph writes `""` for a device id the client did not present (and sometimes
 * `"00000000-0000-0000-0000-000000000000"`): both mean none. Times become ISO 8601 with milliseconds.
 */
export function mapGraphSignIn(signIn: GraphSignIn): SignInEvent {
  const d = signIn.deviceDetail ?? {};
  const rawDeviceId = orNull(d.deviceId)?.toLowerCase() ?? null;
  const deviceId = rawDeviceId && GUID.test(rawDeviceId) && !/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(rawDeviceId) ? rawDeviceId : null;
  return {
    id: signIn.id,
    createdDateTime: new Date(signIn.createdDateTime).toISOString(),
    userPrincipalName: orNull(signIn.userPrincipalName),
    userDisplayName: orNull(signIn.userDisplayName),
    userId: orNull(signIn.userId),
    appId: orNull(signIn.appId),
    appDisplayName: orNull(signIn.appDisplayName),
    resourceDisplayName: orNull(signIn.resourceDisplayName),
    clientAppUsed: orNull(signIn.clientAppUsed),
    isInteractive: signIn.isInteractive ?? null,
    ipAddress: orNull(signIn.ipAddress),
    correlationId: orNull(signIn.correlationId),
    conditionalAccessStatus: orNull(signIn.conditionalAccessStatus),
    errorCode: signIn.status.errorCode,
    failureReason: orNull(signIn.status.failureReason),
    additionalDetails: orNull(signIn.status.additionalDetails),
    device: {
      deviceId,
      displayName: orNull(d.displayName),
      operatingSystem: orNull(d.operatingSystem),
      browser: orNull(d.browser),
      isCompliant: d.isCompliant ?? null,
      isManaged: d.isManaged ?? null,
      trustType: orNull(d.trustType),
    },
    policies: (signIn.appliedConditionalAccessPolicies ?? []).map((p) => ({
      id: orNull(p.id),
      displayName: orNull(p.displayName),
      enforcedGrantControls: (p.enforcedGrantControls ?? []).filter((c): c is string => typeof c === "string" && c.trim() !== ""),
      result: orNull(p.result),
    })),
  };
}
