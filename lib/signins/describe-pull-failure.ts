import type { GraphFailure } from "@/lib/graph/graph-client";

export type SignInPullProblem = "no-licence" | "no-permission" | "failed";

/**
 * A failed sign-in log request in plain words. Graph serves the log only to tenants with Microsoft Entra ID P1 or P2
 * (https://learn.microsoft.com/graph/api/resources/signin) and answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant
 * otherwise; the app needs AuditLog.Read.All (https://learn.microsoft.com/graph/api/signin-list#permissions). Neither is
 * a failed sync: devices and reports are read as before, only the Sign-ins view stays empty.
 */
export function describePullFailure(failure: GraphFailure): { status: SignInPullProblem; message: string } {
  if (failure.kind === "forbidden") {
    if (/NonPremiumTenant|premium licen[cs]e/i.test(`${failure.code} ${failure.message}`)) {
      return {
        status: "no-licence",
        message:
          "This tenant has no Microsoft Entra ID P1 or P2 licence, and Microsoft Graph serves the sign-in log only to P1/P2 tenants: JoinScope cannot show blocked sign-ins. Devices, reports and findings are not affected.",
      };
    }
    return {
      status: "no-permission",
      message:
        "The app registration lacks the AuditLog.Read.All application permission (or its admin consent), so JoinScope cannot read the sign-in log: add it under API permissions → Microsoft Graph → Application permissions, then Grant admin consent. Devices, reports and findings are not affected.",
    };
  }
  if (failure.kind === "auth") return { status: "failed", message: `Could not sign in as the app to read the sign-in log: ${failure.message}` };
  return {
    status: "failed",
    message: `Could not read the sign-in log: ${"code" in failure ? `${failure.code}: ` : ""}${failure.message}. The next pull resumes where this one stopped.`,
  };
}
