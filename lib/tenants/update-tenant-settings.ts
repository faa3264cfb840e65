import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import type { Db } from "@/lib/db/client";
import { MIN_STALE_THRESHOLD_DAYS } from "@/lib/rules/device-subject";
import { normalizeDn, splitDn, type SyncScope } from "@/lib/rules/sync-scope";

// The stale threshold never goes below MIN_STALE_THRESHOLD_DAYS: Entra ID updates approximateLastSignInDateTime
// only about every 14 days (https://learn.microsoft.com/entra/identity/devices/manage-stale-devices#detect-stale-devices),
// so a shorter threshold would call active devices stale.

const RDN = /^(ou|cn|dc)=.+$/;

export const MIN_RETENTION_CHANGE_DAYS = 7;
export const MAX_RETENTION_CHANGE_DAYS = 3650;
export const MAX_RETENTION_TEXT_CHANGES = 100;

/** A container DN as Entra Connect's OU filtering names it: `OU=…,DC=…`, `CN=Computers,DC=…` or a domain root `DC=…`. */
export function isContainerDn(line: string): boolean {
  const rdns = splitDn(line);
  if (rdns.length === 0 || !rdns.every((rdn) => RDN.test(rdn))) return false;
  const firstDc = rdns.findIndex((rdn) => rdn.startsWith("dc="));
  return firstDc !== -1 && rdns.slice(firstDc).every((rdn) => rdn.startsWith("dc="));
}

const DnList = (label: string) =>
  z
    .array(z.string())
    .transform((lines) => lines.map((l) => l.trim()).filter((l) => l !== ""))
    .superRefine((lines, ctx) => {
      lines.forEach((line, i) => {
        if (line.length > 1024 || !isContainerDn(line)) {
          ctx.addIssue({
            code: "custom",
            path: [i],
            message: `${label} line “${line.slice(0, 80)}” is not a container DN. Write it the way AD prints it, e.g. OU=Workstations,DC=corp,DC=contoso,DC=com.`,
          });
        }
      });
    });

export const SyncScopeForestInput = z.object({
  name: z.string().trim().min(1, "Give each forest its name, e.g. corp.contoso.com").max(255, "Use at most 255 characters for the forest name"),
  include: DnList("Include"),
  exclude: DnList("Exclude"),
});

export const SyncScopeInput = z.object({ forests: z.array(SyncScopeForestInput).max(50) }).superRefine((scope, ctx) => {
  const seen = new Set<string>();
  scope.forests.forEach((forest, i) => {
    const key = forest.name.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["forests", i, "name"], message: `Forest ${forest.name} is listed twice` });
    seen.add(key);
    if (forest.include.length === 0 && forest.exclude.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["forests", i, "include"],
        message: `Forest ${forest.name} excludes containers but includes none: add the OUs Entra Connect syncs.`,
      });
    }
  });
});

export const UpdateTenantSettingsInput = z.object({
  tenantRef: z.string().min(1),
  actor: z.string().min(1),
  syncEnabled: z.boolean().optional(),
  staleThresholdDays: z
    .number({ error: "Enter the stale threshold in days" })
    .int("Use whole days")
    .min(MIN_STALE_THRESHOLD_DAYS, `Use at least ${MIN_STALE_THRESHOLD_DAYS} days: Entra ID updates approximateLastSignInDateTime only about every 14 days`)
    .max(3650, "Use at most 3650 days")
    .optional(),
  agentIntervalMinutes: z
    .number({ error: "Enter the agent interval in minutes" })
    .int("Use whole minutes")
    .min(15, "Use at least 15 minutes between agent uploads")
    .max(10_080, "Use at most 10080 minutes (one week)")
    .optional(),
  redactUserNames: z.boolean().optional(),
  // Report history (issue 18, decisions 013 and 025): what the retention job keeps.
  retentionChangeDays: z
    .number({ error: "Enter how many days state changes are kept" })
    .int("Use whole days")
    .min(MIN_RETENTION_CHANGE_DAYS, `Keep state changes at least ${MIN_RETENTION_CHANGE_DAYS} days: the timeline and the findings' history read them`)
    .max(MAX_RETENTION_CHANGE_DAYS, `Use at most ${MAX_RETENTION_CHANGE_DAYS} days (ten years)`)
    .optional(),
  retentionTextChanges: z
    .number({ error: "Enter how many raw texts are kept per device" })
    .int("Use a whole number of texts")
    .min(1, "Keep at least 1 raw text per device: the latest report's is always kept")
    .max(MAX_RETENTION_TEXT_CHANGES, `Keep at most ${MAX_RETENTION_TEXT_CHANGES} raw texts per device`)
    .optional(),
  keepEveryUpload: z.boolean().optional(),
  syncScope: SyncScopeInput.optional(),
});

export type UpdateTenantSettingsResult =
  { ok: true; scopeChanged: boolean } | { ok: false; error: { code: "invalid-input" | "not-found"; message: string; path?: (string | number)[] } };

/** Order-insensitive, case- and space-insensitive form of a scope: what decides whether re-evaluation is needed. */
function canonicalScope(scope: SyncScope | null): string {
  const forests = (scope?.forests ?? [])
    .map((f) => ({
      name: f.name.trim().toLowerCase(),
      include: [...new Set(f.include.map(normalizeDn))].sort(),
      exclude: [...new Set(f.exclude.map(normalizeDn))].sort(),
    }))
    .filter((f) => f.include.length > 0 || f.exclude.length > 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify(forests);
}

function readStoredScope(json: unknown): SyncScope | null {
  const parsed = z.object({ forests: z.array(z.object({ name: z.string(), include: z.array(z.string()), exclude: z.array(z.string()) })) }).safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * Saves a tenant's sync settings and Entra Connect sync scope (any subset of them) with one audit entry, in
 * one transaction. `scopeChanged` tells the caller to re-evaluate every device of the tenant.
 */
export async function updateTenantSettings(db: Db, input: z.input<typeof UpdateTenantSettingsInput>): Promise<UpdateTenantSettingsResult> {
  const parsed = UpdateTenantSettingsInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: { code: "invalid-input", message: issue?.message ?? "Invalid input", path: issue?.path.map((p) => (typeof p === "symbol" ? String(p) : p)) },
    };
  }
  const { tenantRef, actor, syncScope, ...settings } = parsed.data;
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({
      where: { id: tenantRef },
      select: {
        id: true,
        tenantId: true,
        syncEnabled: true,
        staleThresholdDays: true,
        agentIntervalMinutes: true,
        redactUserNames: true,
        retentionChangeDays: true,
        retentionTextChanges: true,
        keepEveryUpload: true,
        syncScope: true,
      },
    });
    if (!tenant) return { ok: false as const, error: { code: "not-found" as const, message: "No such tenant" } };

    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(settings) as [keyof typeof settings, unknown][]) {
      if (value !== undefined && tenant[key] !== value) changed[key] = value;
    }
    const scopeChanged = syncScope !== undefined && canonicalScope(readStoredScope(tenant.syncScope)) !== canonicalScope(syncScope);
    if (Object.keys(changed).length === 0 && !scopeChanged) return { ok: true as const, scopeChanged: false };

    await tx.tenant.update({
      where: { id: tenantRef },
      data: { ...changed, ...(scopeChanged ? { syncScope: { forests: syncScope!.forests } } : {}) },
    });
    await writeAuditLog(tx, {
      actor,
      action: "tenant.update-settings",
      tenantRef,
      target: tenant.tenantId,
      detail: { ...(changed as Record<string, string | number | boolean>), ...(scopeChanged ? { syncScope: { forests: syncScope!.forests } } : {}) },
    });
    return { ok: true as const, scopeChanged };
  });
}
