"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { removeAccessLimit } from "@/lib/access/remove-access-limit";
import { setAccessLimit } from "@/lib/access/set-access-limit";
import { guardedFormAction } from "@/lib/auth/action-guard";
import { canSeeTenant } from "@/lib/auth/tenant-scope";
import { db } from "@/lib/db/client";
import { CLOUD_NAMES } from "@/lib/graph/clouds";
import { testTenantConnection, type ConnectionReport } from "@/lib/sync/test-tenant-connection";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { CONNECTION_TESTED_ACTION } from "@/lib/queries/get-onboarding-status";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { updateTenantSettings } from "@/lib/tenants/update-tenant-settings";
import { startFullReevaluation } from "@/lib/findings/findings-scheduler";
import { deliverDigest } from "@/lib/digest/deliver-digest";
import { saveDigestSettings } from "@/lib/digest/digest-settings";
import { requestOrigin } from "../../_lib/cookie-security";

const text = (formData: FormData, name: string) => {
  const v = formData.get(name);
  return typeof v === "string" ? v : "";
};
const TenantRef = z.string().uuid("Unknown tenant");

function revalidateTenantPages() {
  revalidatePath("/", "layout");
}

export interface SaveState {
  error: string | null;
  /** Which field the error is about, for aria-invalid. */
  field: string | null;
  savedAt: number | null;
  message: string | null;
}

/** A SaveState that says only what went wrong; also what a call that did not come from the form is answered (guardedFormAction). */
const saveError = (error: string): SaveState => ({ error, field: null, savedAt: null, message: null });

const AppForm = z.object({
  tenantRef: TenantRef,
  cloud: z.enum(CLOUD_NAMES, "Choose a cloud"),
  credentialKind: z.enum(["secret", "certificate"], "Choose a client secret or a certificate"),
});

/** The field a setTenantApp message is about, so the form can mark it. */
function appField(message: string): string | null {
  if (/client id/i.test(message)) return "clientId";
  if (/secret/i.test(message)) return "clientSecret";
  if (/private key/i.test(message)) return "privateKeyPem";
  if (/certificate/i.test(message)) return "certificatePem";
  if (/authority host/i.test(message)) return "authorityHost";
  if (/graph base url/i.test(message)) return "graphBaseUrl";
  return null;
}

export const saveAppRegistrationAction = guardedFormAction("Admin", saveError, async (admin, _previous: SaveState, formData: FormData): Promise<SaveState> => {
  const form = AppForm.safeParse({ tenantRef: formData.get("tenantRef"), cloud: formData.get("cloud"), credentialKind: formData.get("credentialKind") });
  if (!form.success) return saveError(form.error.issues[0]?.message ?? "Check the form");
  const { tenantRef, cloud, credentialKind } = form.data;
  if (!canSeeTenant(admin.tenantScope, tenantRef)) return saveError("Unknown tenant");
  const custom = cloud === "custom";
  const result = await setTenantApp(db, {
    tenantRef,
    cloud,
    authorityHost: custom ? text(formData, "authorityHost") || undefined : undefined,
    graphBaseUrl: custom ? text(formData, "graphBaseUrl") || undefined : undefined,
    clientId: text(formData, "clientId"),
    credential:
      credentialKind === "secret"
        ? { kind: "secret", clientSecret: text(formData, "clientSecret") }
        : { kind: "certificate", certificatePem: text(formData, "certificatePem"), privateKeyPem: text(formData, "privateKeyPem") },
    actor: admin.email,
  });
  if (!result.ok) return { error: result.error.message, field: appField(result.error.message), savedAt: null, message: null };
  revalidateTenantPages();
  return { error: null, field: null, savedAt: Date.now(), message: "App registration saved. Test the connection to check it." };
});

export interface TestConnectionState {
  error: string | null;
  report: ConnectionReport | null;
  testedAt: number | null;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedTestConnectionState = (error: string): TestConnectionState => ({ error, report: null, testedAt: null });

export const testConnectionAction = guardedFormAction(
  "Admin",
  refusedTestConnectionState,
  async (admin, _previous: TestConnectionState, formData: FormData): Promise<TestConnectionState> => {
    const tenantRef = TenantRef.safeParse(formData.get("tenantRef"));
    // A tenant outside the caller's access limit (decision 027) is answered as an unknown one.
    if (!tenantRef.success || !canSeeTenant(admin.tenantScope, tenantRef.data)) return { error: "Unknown tenant", report: null, testedAt: null };
    const report = await testTenantConnection(db, { tenantRef: tenantRef.data });
    // The Overview's first-run checklist ticks "Test connection" off once one passed.
    if (report.ok) {
      await writeAuditLog(db, { actor: admin.email, action: CONNECTION_TESTED_ACTION, tenantRef: tenantRef.data });
      revalidatePath("/");
    }
    return { error: null, report, testedAt: Date.now() };
  },
);

const wholeNumber = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));

export const saveSyncSettingsAction = guardedFormAction("Admin", saveError, async (admin, _previous: SaveState, formData: FormData): Promise<SaveState> => {
  const tenantRef = TenantRef.safeParse(formData.get("tenantRef"));
  // A tenant outside the caller's access limit (decision 027) is answered as an unknown one.
  if (!tenantRef.success || !canSeeTenant(admin.tenantScope, tenantRef.data)) return saveError("Unknown tenant");
  const result = await updateTenantSettings(db, {
    tenantRef: tenantRef.data,
    actor: admin.email,
    syncEnabled: formData.get("syncEnabled") === "on",
    redactUserNames: formData.get("redactUserNames") === "on",
    staleThresholdDays: wholeNumber(text(formData, "staleThresholdDays")),
    agentIntervalMinutes: wholeNumber(text(formData, "agentIntervalMinutes")),
  });
  if (!result.ok) return { error: result.error.message, field: result.error.path?.[0]?.toString() ?? null, savedAt: null, message: null };
  // The stale threshold and the agent interval feed the rules: re-evaluate every device in the background.
  startFullReevaluation(db, tenantRef.data);
  revalidateTenantPages();
  return { error: null, field: null, savedAt: Date.now(), message: "Sync settings saved. Findings are being re-evaluated." };
});

export const saveSyncScopeAction = guardedFormAction("Admin", saveError, async (admin, _previous: SaveState, formData: FormData): Promise<SaveState> => {
  const tenantRef = TenantRef.safeParse(formData.get("tenantRef"));
  // A tenant outside the caller's access limit (decision 027) is answered as an unknown one.
  if (!tenantRef.success || !canSeeTenant(admin.tenantScope, tenantRef.data)) return saveError("Unknown tenant");
  const names = formData.getAll("forestName").map(String);
  const includes = formData.getAll("forestInclude").map(String);
  const excludes = formData.getAll("forestExclude").map(String);
  const lines = (v: string | undefined) => (v ?? "").split(/\r?\n/);
  const forests = names
    .map((name, i) => ({ index: i, name, include: lines(includes[i]), exclude: lines(excludes[i]) }))
    // A forest left completely blank is an unused row, not an error.
    .filter((f) => f.name.trim() !== "" || [...f.include, ...f.exclude].some((l) => l.trim() !== ""));
  const result = await updateTenantSettings(db, {
    tenantRef: tenantRef.data,
    actor: admin.email,
    syncScope: { forests: forests.map(({ name, include, exclude }) => ({ name, include, exclude })) },
  });
  if (!result.ok) {
    const path = result.error.path ?? [];
    // ["syncScope", "forests", i, "include" | "exclude" | "name", line?] → "forest-<row>-<field>"
    const i = typeof path[2] === "number" ? forests[path[2]]?.index : undefined;
    const field = i !== undefined && typeof path[3] === "string" ? `forest-${i}-${path[3]}` : null;
    return { error: result.error.message, field, savedAt: null, message: null };
  }
  if (result.scopeChanged) startFullReevaluation(db, tenantRef.data);
  revalidateTenantPages();
  return {
    error: null,
    field: null,
    savedAt: Date.now(),
    message: result.scopeChanged
      ? "Sync scope saved. Every device of this tenant is re-evaluated against it."
      : "Sync scope saved (no change to what is in scope).",
  };
});

/** The tenant's report history retention (decision 013): applied by the scheduler's next hourly retention run. */
export const saveRetentionSettingsAction = guardedFormAction(
  "Admin",
  saveError,
  async (admin, _previous: SaveState, formData: FormData): Promise<SaveState> => {
    const tenantRef = TenantRef.safeParse(formData.get("tenantRef"));
    if (!tenantRef.success || !canSeeTenant(admin.tenantScope, tenantRef.data)) return saveError("Unknown tenant");
    const result = await updateTenantSettings(db, {
      tenantRef: tenantRef.data,
      actor: admin.email,
      retentionChangeDays: wholeNumber(text(formData, "retentionChangeDays")),
      retentionTextChanges: wholeNumber(text(formData, "retentionTextChanges")),
      keepEveryUpload: formData.get("keepEveryUpload") === "on",
    });
    if (!result.ok) return { error: result.error.message, field: result.error.path?.[0]?.toString() ?? null, savedAt: null, message: null };
    revalidateTenantPages();
    return { error: null, field: null, savedAt: Date.now(), message: "Retention saved. The next hourly retention run applies it." };
  },
);

const checked = (formData: FormData, name: string) => formData.get(name) === "on";

/** The scheduled digest's settings (issue 23, item 7): schedule, webhooks, SMTP. Blank secret fields keep the stored ones. */
export const saveDigestSettingsAction = guardedFormAction("Admin", saveError, async (admin, _previous: SaveState, formData: FormData): Promise<SaveState> => {
  const tenantRef = TenantRef.safeParse(formData.get("tenantRef"));
  if (!tenantRef.success || !canSeeTenant(admin.tenantScope, tenantRef.data)) return saveError("Unknown tenant");
  const port = text(formData, "smtpPort").trim();
  const result = await saveDigestSettings(db, {
    tenantRef: tenantRef.data,
    actor: admin.email,
    enabled: checked(formData, "enabled"),
    frequency: text(formData, "frequency") as "daily" | "weekly",
    weekday: text(formData, "weekday"),
    hour: text(formData, "hour"),
    teamsWebhookUrl: text(formData, "teamsWebhookUrl").trim() || undefined,
    removeTeamsWebhook: checked(formData, "removeTeamsWebhook"),
    slackWebhookUrl: text(formData, "slackWebhookUrl").trim() || undefined,
    removeSlackWebhook: checked(formData, "removeSlackWebhook"),
    smtpHost: text(formData, "smtpHost"),
    smtpPort: port === "" ? null : port,
    smtpSecurity: text(formData, "smtpSecurity") as "tls",
    smtpUser: text(formData, "smtpUser"),
    smtpPassword: text(formData, "smtpPassword") || undefined,
    removeSmtpPassword: checked(formData, "removeSmtpPassword"),
    emailFrom: text(formData, "emailFrom"),
    emailTo: text(formData, "emailTo"),
  });
  if (!result.ok) return { error: result.error.message, field: result.error.field, savedAt: null, message: null };
  revalidatePath("/settings");
  return { error: null, field: null, savedAt: Date.now(), message: "Digest settings saved." };
});

export interface TestDigestState {
  outcome: "ok" | "partial" | "failed" | null;
  message: string | null;
  sentAt: number | null;
}

/** What a call that did not come from the form is answered (guardedFormAction). */
const refusedTestDigestState = (error: string): TestDigestState => ({ outcome: "failed", message: error, sentAt: null });

/** "Send a test digest": the last 7 days' digest to every channel set, now; each channel's answer in the message. */
export const sendTestDigestAction = guardedFormAction(
  "Admin",
  refusedTestDigestState,
  async (admin, _previous: TestDigestState, formData: FormData): Promise<TestDigestState> => {
    const tenantRef = TenantRef.safeParse(formData.get("tenantRef"));
    if (!tenantRef.success || !canSeeTenant(admin.tenantScope, tenantRef.data)) return { outcome: "failed", message: "Unknown tenant", sentAt: null };
    const now = new Date();
    const delivery = await deliverDigest(db, {
      tenantRef: tenantRef.data,
      since: new Date(now.getTime() - 7 * 24 * 3600_000),
      until: now,
      trigger: "test",
      origin: await requestOrigin(),
      now,
    });
    await writeAuditLog(db, { actor: admin.email, action: "tenant.digest-test", tenantRef: tenantRef.data, detail: { outcome: delivery.outcome } });
    revalidatePath("/settings");
    const message =
      delivery.outcome === "ok"
        ? `Test digest delivered. ${delivery.detail}.`
        : delivery.outcome === "partial"
          ? `Test digest delivered to some channels only. ${delivery.detail}.`
          : delivery.channels.length
            ? `Test digest not delivered. ${delivery.detail}.`
            : delivery.detail;
    return { outcome: delivery.outcome, message, sentAt: Date.now() };
  },
);

/**
 * Settings → Users: limit a user or an Entra group to some tenants (decision 027). Only an Admin whose own access is
 * not limited may change limits, so a limited Admin cannot widen their own. Validated and audit-logged by setAccessLimit.
 */
export const setAccessLimitAction = guardedFormAction("Admin", saveError, async (admin, _previous: SaveState, formData: FormData): Promise<SaveState> => {
  if (admin.tenantScope !== null) return saveError(UNLIMITED_ONLY);
  const result = await setAccessLimit(db, {
    kind: text(formData, "kind"),
    principal: text(formData, "principal"),
    tenantRefs: formData.getAll("tenantRef").map(String),
    actor: admin.email,
  });
  if (!result.ok) return { error: result.error.message, field: result.error.path ?? null, savedAt: null, message: null };
  revalidatePath("/settings");
  const who = text(formData, "principal").trim().toLowerCase();
  const count = result.tenantRefs.length;
  return {
    error: null,
    field: null,
    savedAt: Date.now(),
    message: count === 0 ? `${who} now sees no tenant.` : `${who} now sees ${count} tenant${count === 1 ? "" : "s"} only.`,
  };
});

export const removeAccessLimitAction = guardedFormAction("Admin", saveError, async (admin, _previous: SaveState, formData: FormData): Promise<SaveState> => {
  if (admin.tenantScope !== null) return saveError(UNLIMITED_ONLY);
  const result = await removeAccessLimit(db, { id: text(formData, "id"), actor: admin.email });
  if (!result.ok) return saveError(result.error.message);
  revalidatePath("/settings");
  return { error: null, field: null, savedAt: Date.now(), message: "Limit removed." };
});

const UNLIMITED_ONLY = "Only an Admin whose own access is not limited to some tenants can change who sees which tenant";
