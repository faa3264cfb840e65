/**
 * What the Audit page filters by (issue 20 item 6, decision 027): each kind of entry an admin asks about, as the
 * audit actions that record it. An action not listed under any kind is still listed (no "what" filter).
 */
export const AUDIT_CATEGORIES = {
  "sign-in": { label: "Sign-ins", actions: ["admin.login"], prefixes: [] },
  "failed-sign-in": { label: "Failed sign-ins", actions: ["admin.login.failed", "admin.login.locked"], prefixes: [] },
  acknowledgement: { label: "Acknowledgements", actions: ["finding.acknowledge", "finding.unacknowledge"], prefixes: [] },
  token: { label: "Agent tokens and devices", actions: [], prefixes: ["agent-token.", "agent-device."] },
  credential: { label: "Credentials", actions: ["tenant.set-app", "admin.password-reset"], prefixes: [] },
  settings: { label: "Tenants and settings", actions: ["tenant.create", "tenant.update-settings", "tenant.connection-test-passed"], prefixes: [] },
  access: {
    label: "Users and access",
    actions: ["admin.create", "admin.role", "admin.disable", "admin.enable", "admin.sessions-end"],
    prefixes: ["access-limit."],
  },
  export: { label: "Exports", actions: [], prefixes: ["export."] },
  report: { label: "Attached reports", actions: ["report.attach-paste"], prefixes: [] },
} as const satisfies Record<string, { label: string; actions: readonly string[]; prefixes: readonly string[] }>;

export type AuditCategory = keyof typeof AUDIT_CATEGORIES;
export const AUDIT_CATEGORY_KEYS = Object.keys(AUDIT_CATEGORIES) as [AuditCategory, ...AuditCategory[]];

/** The kind an action belongs to, or null. */
export function auditCategoryOf(action: string): AuditCategory | null {
  for (const key of AUDIT_CATEGORY_KEYS) {
    const c: { actions: readonly string[]; prefixes: readonly string[] } = AUDIT_CATEGORIES[key];
    if (c.actions.includes(action) || c.prefixes.some((p) => action.startsWith(p))) return key;
  }
  return null;
}

/** What an export entry's action says: `export.<what>` (devices, findings, change-board, audit). */
export const exportAuditAction = (what: string) => `export.${what}`;
