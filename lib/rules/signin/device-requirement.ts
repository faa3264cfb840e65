import type { SignInEvent, SignInPolicy } from "@/lib/rules/signin/sign-in-subject";
import type { Evidence } from "@/lib/rules/types";

export const SIGN_IN_SOURCE = "Entra ID sign-in log";

/**
 * The sign-in error codes that mean "the device did not satisfy Conditional Access", with Microsoft's meaning
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes; the Conditional Access codes also in
 * https://learn.microsoft.com/entra/identity/conditional-access/troubleshoot-conditional-access, "Conditional Access
 * error codes"). docs/domain.md, "Sign-ins blocked for their device".
 */
export const DEVICE_ERROR_CODES: Readonly<Record<number, { name: string; meaning: string }>> = {
  53000: {
    name: "DeviceNotCompliant",
    meaning: "Conditional Access policy requires a compliant device, and the device is not compliant.",
  },
  53001: {
    name: "DeviceNotDomainJoined",
    meaning: "Conditional Access policy requires a domain joined (Microsoft Entra hybrid joined) device, and the device is not.",
  },
  50097: { name: "DeviceAuthenticationRequired", meaning: "Device authentication is required." },
  50129: { name: "DeviceIsNotWorkplaceJoined", meaning: "Workplace join (device registration) is required." },
};

/** The grant controls the sign-in log writes for "Require device to be marked as compliant" and "Require Microsoft Entra hybrid joined device". */
export const COMPLIANT_DEVICE_CONTROL = "RequireCompliantDevice";
export const HYBRID_JOINED_DEVICE_CONTROL = "RequireDomainJoinedDevice";

/** What the sign-in's failed policies (or its error code) demanded of the device. */
export interface DeviceRequirement {
  /** The sign-in failed for its device: a device error code, or a failed policy with a device grant control. */
  deviceRelated: boolean;
  /** A compliant device (53000, RequireCompliantDevice). */
  compliant: boolean;
  /** A Microsoft Entra hybrid joined device (53001, RequireDomainJoinedDevice). */
  hybrid: boolean;
  /** Device registration (50129). */
  registered: boolean;
  /** Device authentication (50097). */
  deviceAuthentication: boolean;
  /** The failed policies that carry a device grant control. */
  policies: SignInPolicy[];
  evidence: Evidence[];
}

const hasControl = (policy: SignInPolicy, control: string) => policy.enforcedGrantControls.some((c) => c.trim().toLowerCase() === control.toLowerCase());

/** A sign-in that succeeded: nothing to explain (conditionalAccessStatus success, or error code 0 without a CA failure). */
export function signInSucceeded(signIn: SignInEvent): boolean {
  return signIn.errorCode === 0 && signIn.conditionalAccessStatus !== "failure";
}

export function readDeviceRequirement(signIn: SignInEvent): DeviceRequirement {
  const code = signIn.errorCode;
  const failed = signIn.policies.filter((p) => p.result === "failure");
  const devicePolicies = failed.filter((p) => hasControl(p, COMPLIANT_DEVICE_CONTROL) || hasControl(p, HYBRID_JOINED_DEVICE_CONTROL));
  const compliant = code === 53000 || devicePolicies.some((p) => hasControl(p, COMPLIANT_DEVICE_CONTROL));
  const hybrid = code === 53001 || devicePolicies.some((p) => hasControl(p, HYBRID_JOINED_DEVICE_CONTROL));
  const registered = code === 50129;
  const deviceAuthentication = code === 50097;
  const evidence: Evidence[] = [];
  if (code !== 0) {
    const known = DEVICE_ERROR_CODES[code];
    evidence.push({ source: SIGN_IN_SOURCE, field: "status.errorCode", value: known ? `${code} ${known.name}` : String(code) });
  }
  if (signIn.conditionalAccessStatus) evidence.push({ source: SIGN_IN_SOURCE, field: "conditionalAccessStatus", value: signIn.conditionalAccessStatus });
  for (const p of devicePolicies) {
    evidence.push({
      source: `${SIGN_IN_SOURCE} · appliedConditionalAccessPolicies`,
      field: p.displayName ?? p.id ?? "(unnamed policy)",
      value: `${p.result ?? "unknown"} · ${p.enforcedGrantControls.join(", ")}`,
    });
  }
  const deviceRelated = !signInSucceeded(signIn) && (compliant || hybrid || registered || deviceAuthentication);
  return { deviceRelated, compliant, hybrid, registered, deviceAuthentication, policies: devicePolicies, evidence };
}

/** "Require compliant device", "Require hybrid joined device" or both, for explanations. */
export function describeRequirement(requirement: DeviceRequirement): string {
  const parts: string[] = [];
  if (requirement.compliant) parts.push("a compliant device");
  if (requirement.hybrid) parts.push("a Microsoft Entra hybrid joined device");
  if (requirement.registered) parts.push("a registered device");
  if (parts.length === 0) return requirement.deviceAuthentication ? "device authentication" : "a known device";
  const names = requirement.policies.map((p) => p.displayName).filter((n): n is string => !!n);
  const policy = names.length ? ` (${names.map((n) => `"${n}"`).join(", ")})` : "";
  return `${parts.join(" or ")}${policy}`;
}

/** The sign-in's trust type in Graph's device terms: ServerAd (hybrid), AzureAd (Entra joined), Workplace (registered). */
export function normalizeTrustType(value: string | null | undefined): "ServerAd" | "AzureAd" | "Workplace" | null {
  const t = value?.trim().toLowerCase().replace(/\s+/g, " ");
  if (!t) return null;
  if (t === "serverad" || t.includes("hybrid") || t === "domain joined") return "ServerAd";
  if (t === "azuread" || /^(azure ad|microsoft entra|entra) joined$/.test(t)) return "AzureAd";
  if (t === "workplace" || t.endsWith("registered")) return "Workplace";
  return null;
}

export const TRUST_TYPE_NAMES: Record<"ServerAd" | "AzureAd" | "Workplace", string> = {
  ServerAd: "Microsoft Entra hybrid joined",
  AzureAd: "Microsoft Entra joined",
  Workplace: "Microsoft Entra registered",
};
