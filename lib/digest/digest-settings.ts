import "server-only";
import { z } from "zod";
import { writeAuditLog } from "@/lib/audit/write-audit-log";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db/client";
import { DIGEST_FREQUENCIES, latestDigestSlot, type DigestFrequency } from "./digest-schedule";
import { SMTP_SECURITY, type SmtpSecurity, type SmtpSettings } from "./send-digest-email";

/**
 * A tenant's digest settings (issue 23, item 7; decision 024): the schedule, a Teams and a Slack incoming webhook, an
 * SMTP server and recipients. A webhook URL carries its own secret (whoever has it can post to the channel), so it is
 * sealed like the tenant's Graph secret (lib/crypto) with the SMTP password, and never shown back: Settings shows its
 * host and last four characters. A field left blank keeps what is stored; "remove" clears it.
 */

const WebhookUrl = (name: string) =>
  z
    .string()
    .trim()
    .max(2048, `The ${name} webhook URL is longer than 2,048 characters`)
    .refine((v) => URL.canParse(v), `The ${name} webhook URL is not a URL: paste the whole URL the channel's webhook shows`)
    .refine((v) => v.startsWith("https://"), `The ${name} webhook URL must start with https://`);

const Email = z.email("is not an email address").max(320);

export const SaveDigestSettingsInput = z
  .object({
    tenantRef: z.string().uuid("Unknown tenant"),
    actor: z.string().min(1),
    enabled: z.boolean(),
    frequency: z.enum(DIGEST_FREQUENCIES, "Choose daily or weekly"),
    weekday: z.coerce.number("Choose a weekday").int().min(0, "Choose a weekday").max(6, "Choose a weekday"),
    hour: z.coerce.number("Choose an hour").int().min(0, "The hour is 0 to 23 (UTC)").max(23, "The hour is 0 to 23 (UTC)"),
    teamsWebhookUrl: WebhookUrl("Teams").optional(),
    removeTeamsWebhook: z.boolean().default(false),
    slackWebhookUrl: WebhookUrl("Slack").optional(),
    removeSlackWebhook: z.boolean().default(false),
    smtpHost: z
      .string()
      .trim()
      .max(255)
      .regex(/^[A-Za-z0-9.-]*$/, "The SMTP host is a host name or an IP address, e.g. smtp.contoso.com")
      .transform((v) => v || null),
    smtpPort: z.coerce.number("The SMTP port is a number").int().min(1, "The SMTP port is 1 to 65535").max(65535, "The SMTP port is 1 to 65535").nullable(),
    smtpSecurity: z.enum(SMTP_SECURITY, "Choose TLS, STARTTLS or none"),
    smtpUser: z
      .string()
      .trim()
      .max(320)
      .transform((v) => v || null),
    smtpPassword: z.string().max(1024).optional(),
    removeSmtpPassword: z.boolean().default(false),
    emailFrom: z
      .string()
      .trim()
      .transform((v) => v || null)
      .pipe(Email.nullable()),
    emailTo: z
      .string()
      .max(4000)
      .transform((v) =>
        v
          .split(/[,;\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(Email).max(50, "At most 50 recipients")),
  })
  .superRefine((v, ctx) => {
    const email = v.smtpHost !== null || v.emailTo.length > 0 || v.emailFrom !== null;
    if (!email) return;
    if (!v.smtpHost) ctx.addIssue({ code: "custom", path: ["smtpHost"], message: "Email needs the SMTP server's host" });
    if (v.smtpPort === null) ctx.addIssue({ code: "custom", path: ["smtpPort"], message: "Email needs the SMTP port (587 for STARTTLS, 465 for TLS)" });
    if (!v.emailFrom) ctx.addIssue({ code: "custom", path: ["emailFrom"], message: "Email needs a sender address (From)" });
    if (v.emailTo.length === 0) ctx.addIssue({ code: "custom", path: ["emailTo"], message: "Email needs at least one recipient" });
  });

export type SaveDigestSettingsResult =
  { ok: true; channels: number } | { ok: false; error: { code: "invalid-input" | "not-found"; message: string; field: string | null } };

/** What Settings shows: no secret, only whether each is set and its hint. */
export interface DigestSettingsView {
  enabled: boolean;
  frequency: DigestFrequency;
  weekday: number;
  hour: number;
  teamsWebhook: string | null;
  slackWebhook: string | null;
  smtpHost: string | null;
  smtpPort: number | null;
  smtpSecurity: SmtpSecurity;
  smtpUser: string | null;
  smtpPasswordSet: boolean;
  emailFrom: string | null;
  emailTo: string[];
  lastDelivery: { at: string; outcome: string; detail: string; trigger: string } | null;
}

/** "hooks.slack.com/…wxyz": enough to recognise which webhook is stored, useless to post with. */
export function webhookHint(url: string): string {
  const u = new URL(url);
  return `${u.host}/…${url.slice(-4)}`;
}

/** A field a zod issue is about, for aria-invalid; the webhook and email fields by their form names. */
const fieldOf = (path: readonly PropertyKey[]) => (typeof path[0] === "string" ? path[0] : null);

export async function saveDigestSettings(db: Db, input: z.input<typeof SaveDigestSettingsInput>, now = new Date()): Promise<SaveDigestSettingsResult> {
  const parsed = SaveDigestSettingsInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? fieldOf(issue.path) : null;
    const message = issue?.message ?? "Check the form";
    return {
      ok: false,
      error: {
        code: "invalid-input",
        message: /^is not/.test(message) && field ? `${field === "emailTo" ? "A recipient" : "The sender"} ${message}` : message,
        field,
      },
    };
  }
  const v = parsed.data;
  return db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: v.tenantRef }, select: { id: true, digestSettings: true } });
    if (!tenant) return { ok: false as const, error: { code: "not-found" as const, message: "No such tenant", field: null } };
    const before = tenant.digestSettings;
    const secret = (value: string | undefined, remove: boolean, stored: string | null | undefined) =>
      remove ? null : value ? sealSecret(value) : (stored ?? null);
    const teams = secret(v.teamsWebhookUrl, v.removeTeamsWebhook, before?.teamsWebhookCiphertext);
    const slack = secret(v.slackWebhookUrl, v.removeSlackWebhook, before?.slackWebhookCiphertext);
    const password = secret(v.smtpPassword || undefined, v.removeSmtpPassword || v.smtpUser === null, before?.smtpPasswordCiphertext);
    const email = v.smtpHost !== null;
    const channels = (teams ? 1 : 0) + (slack ? 1 : 0) + (email ? 1 : 0);
    if (v.enabled && channels === 0) {
      return {
        ok: false as const,
        error: { code: "invalid-input" as const, message: "Add a Teams or Slack webhook, or email, before turning the digest on", field: "enabled" },
      };
    }
    const scheduleChanged = !before || !before.enabled || before.frequency !== v.frequency || before.weekday !== v.weekday || before.hour !== v.hour;
    const data = {
      enabled: v.enabled,
      frequency: v.frequency,
      weekday: v.weekday,
      hour: v.hour,
      teamsWebhookCiphertext: teams,
      teamsWebhookHint: v.removeTeamsWebhook ? null : v.teamsWebhookUrl ? webhookHint(v.teamsWebhookUrl) : (before?.teamsWebhookHint ?? null),
      slackWebhookCiphertext: slack,
      slackWebhookHint: v.removeSlackWebhook ? null : v.slackWebhookUrl ? webhookHint(v.slackWebhookUrl) : (before?.slackWebhookHint ?? null),
      smtpHost: v.smtpHost,
      smtpPort: email ? v.smtpPort : null,
      smtpSecurity: v.smtpSecurity,
      smtpUser: v.smtpUser,
      smtpPasswordCiphertext: password,
      emailFrom: v.emailFrom,
      emailTo: v.emailTo.length ? v.emailTo.join(", ") : null,
      // A new or changed schedule starts with its next slot: turning the digest on on a Tuesday does not send last
      // Monday's at the next tick.
      ...(scheduleChanged && v.enabled ? { lastSlotAt: latestDigestSlot(v, now) } : {}),
    };
    await tx.digestSettings.upsert({ where: { tenantRef: v.tenantRef }, create: { tenantRef: v.tenantRef, ...data }, update: data });
    await writeAuditLog(tx, {
      actor: v.actor,
      action: "tenant.digest-settings",
      tenantRef: v.tenantRef,
      // Which channels, never their URLs or the password.
      detail: { enabled: v.enabled, frequency: v.frequency, weekday: v.weekday, hour: v.hour, teams: !!teams, slack: !!slack, email },
    });
    return { ok: true as const, channels };
  });
}

export async function findDigestSettings(db: Db, tenantRef: string): Promise<DigestSettingsView> {
  const s = await db.digestSettings.findUnique({
    where: { tenantRef },
    select: {
      enabled: true,
      frequency: true,
      weekday: true,
      hour: true,
      teamsWebhookHint: true,
      slackWebhookHint: true,
      smtpHost: true,
      smtpPort: true,
      smtpSecurity: true,
      smtpUser: true,
      smtpPasswordCiphertext: true,
      emailFrom: true,
      emailTo: true,
      lastDeliveryAt: true,
      lastDeliveryOutcome: true,
      lastDeliveryDetail: true,
      lastDeliveryTrigger: true,
    },
  });
  return {
    enabled: s?.enabled ?? false,
    frequency: s?.frequency === "daily" ? "daily" : "weekly",
    weekday: s?.weekday ?? 1,
    hour: s?.hour ?? 8,
    teamsWebhook: s?.teamsWebhookHint ?? null,
    slackWebhook: s?.slackWebhookHint ?? null,
    smtpHost: s?.smtpHost ?? null,
    smtpPort: s?.smtpPort ?? null,
    smtpSecurity: (SMTP_SECURITY as readonly string[]).includes(s?.smtpSecurity ?? "") ? (s!.smtpSecurity as SmtpSecurity) : "starttls",
    smtpUser: s?.smtpUser ?? null,
    smtpPasswordSet: !!s?.smtpPasswordCiphertext,
    emailFrom: s?.emailFrom ?? null,
    emailTo: s?.emailTo ? s.emailTo.split(", ") : [],
    lastDelivery:
      s?.lastDeliveryAt && s.lastDeliveryOutcome
        ? {
            at: s.lastDeliveryAt.toISOString(),
            outcome: s.lastDeliveryOutcome,
            detail: s.lastDeliveryDetail ?? "",
            trigger: s.lastDeliveryTrigger ?? "schedule",
          }
        : null,
  };
}

/** Where a digest goes, secrets opened: for the delivery only, never for a page. */
export interface DigestChannels {
  teamsWebhookUrl: string | null;
  slackWebhookUrl: string | null;
  smtp: SmtpSettings | null;
}

export async function loadDigestChannels(db: Db, tenantRef: string): Promise<DigestChannels | null> {
  const s = await db.digestSettings.findUnique({ where: { tenantRef } });
  if (!s) return null;
  const smtp: SmtpSettings | null =
    s.smtpHost && s.smtpPort && s.emailFrom && s.emailTo
      ? {
          host: s.smtpHost,
          port: s.smtpPort,
          security: (SMTP_SECURITY as readonly string[]).includes(s.smtpSecurity ?? "") ? (s.smtpSecurity as SmtpSecurity) : "starttls",
          user: s.smtpUser,
          password: s.smtpPasswordCiphertext ? openSecret(s.smtpPasswordCiphertext) : null,
          from: s.emailFrom,
          to: s.emailTo.split(", "),
        }
      : null;
  return {
    teamsWebhookUrl: s.teamsWebhookCiphertext ? openSecret(s.teamsWebhookCiphertext) : null,
    slackWebhookUrl: s.slackWebhookCiphertext ? openSecret(s.slackWebhookCiphertext) : null,
    smtp,
  };
}
