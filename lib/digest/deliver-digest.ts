import "server-only";
import type { Db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { log } from "@/lib/log/logger";
import { countBrokenDevices } from "@/lib/queries/count-broken-devices";
import { summarizeChanges } from "@/lib/queries/summarize-changes";
import { snapshotDay } from "@/lib/daily-snapshots/snapshot-day";
import { buildDigest, type DigestContent } from "./build-digest";
import { emailMessage, slackPayload, teamsPayload } from "./digest-payloads";
import { loadDigestChannels } from "./digest-settings";
import { postWebhook, type WebhookOptions } from "./post-webhook";
import { sendDigestEmail } from "./send-digest-email";

export type DigestTrigger = "schedule" | "test";
export type DigestOutcome = "ok" | "partial" | "failed";

export interface ChannelResult {
  channel: "Teams" | "Slack" | "Email";
  ok: boolean;
  message: string;
}

export interface DigestDelivery {
  outcome: DigestOutcome;
  channels: ChannelResult[];
  /** One line per channel, as Settings shows it under "Last delivery". */
  detail: string;
  content: DigestContent | null;
}

/** Open findings at the period's start and end, from the daily snapshots of those days (lib/daily-snapshots). */
async function openFindingsOver(db: Db, tenantRef: string, since: Date, until: Date) {
  const [start, end] = await Promise.all(
    [since, until].map((at) =>
      db.dailySnapshot.findFirst({ where: { tenantRef, day: { lte: snapshotDay(at) } }, orderBy: { day: "desc" }, select: { day: true, openFindings: true } }),
    ),
  );
  return { start: start && start.day === snapshotDay(since) ? start.openFindings : null, end: end?.openFindings ?? null };
}

/** The digest of a tenant's period, as it would be sent (the Weekly review page shows the same figures). */
export async function composeDigest(db: Db, options: { tenantRef: string; since: Date; until: Date; origin: string | null }): Promise<DigestContent | null> {
  const tenant = await db.tenant.findUnique({ where: { id: options.tenantRef }, select: { name: true } });
  if (!tenant) return null;
  const [changes, broken, openFindings] = await Promise.all([
    summarizeChanges(db, { tenantRef: options.tenantRef, since: options.since, now: options.until, limit: 10 }),
    countBrokenDevices(directDb(), options.tenantRef),
    openFindingsOver(db, options.tenantRef, options.since, options.until),
  ]);
  return buildDigest({
    tenantName: tenant.name,
    since: options.since,
    until: options.until,
    counts: changes.counts,
    changes: { opened: changes.opened, resolved: changes.resolved, reopened: changes.reopened },
    broken: { now: broken.now, next: broken.next },
    openFindings,
    origin: options.origin,
  });
}

/**
 * Sends the digest of `since`..`until` to every channel the tenant set (the webhooks and the email at once, each
 * bounded: post-webhook.ts, send-digest-email.ts) and records the delivery on DigestSettings (time, outcome, what
 * each channel answered), shown in Settings. Neither the record nor the log holds a URL or a password.
 */
export async function deliverDigest(
  db: Db,
  options: { tenantRef: string; since: Date; until: Date; trigger: DigestTrigger; origin: string | null; now?: Date; webhook?: WebhookOptions },
): Promise<DigestDelivery> {
  const channels = await loadDigestChannels(db, options.tenantRef);
  const targets = channels
    ? [
        channels.teamsWebhookUrl ? ("Teams" as const) : null,
        channels.slackWebhookUrl ? ("Slack" as const) : null,
        channels.smtp ? ("Email" as const) : null,
      ].filter((c) => c !== null)
    : [];
  if (!channels || targets.length === 0) {
    return { outcome: "failed", channels: [], detail: "No channel is set: add a Teams or Slack webhook, or email, and save.", content: null };
  }
  const content = await composeDigest(db, options);
  if (!content) return { outcome: "failed", channels: [], detail: "No such tenant.", content: null };

  const results = await Promise.all(
    targets.map(async (channel): Promise<ChannelResult> => {
      if (channel === "Email") {
        const sent = await sendDigestEmail(channels.smtp!, emailMessage(content));
        return {
          channel,
          ok: sent.ok,
          message: sent.ok ? `sent to ${channels.smtp!.to.length} recipient${channels.smtp!.to.length === 1 ? "" : "s"}` : sent.message,
        };
      }
      const url = channel === "Teams" ? channels.teamsWebhookUrl! : channels.slackWebhookUrl!;
      const posted = await postWebhook(url, channel === "Teams" ? teamsPayload(content) : slackPayload(content), options.webhook);
      return { channel, ok: posted.ok, message: posted.ok ? `delivered (HTTP ${posted.status})` : posted.message };
    }),
  );
  const delivered = results.filter((r) => r.ok).length;
  const outcome: DigestOutcome = delivered === results.length ? "ok" : delivered === 0 ? "failed" : "partial";
  const detail = results.map((r) => `${r.channel}: ${r.message}`).join("; ");
  await db.digestSettings.update({
    where: { tenantRef: options.tenantRef },
    data: {
      lastDeliveryAt: options.now ?? new Date(),
      lastDeliveryOutcome: outcome,
      lastDeliveryDetail: detail.slice(0, 2000),
      lastDeliveryTrigger: options.trigger,
    },
  });
  log(outcome === "ok" ? "info" : "warn", "digest delivered", {
    tenantRef: options.tenantRef,
    trigger: options.trigger,
    outcome,
    channels: results.map((r) => `${r.channel}:${r.ok ? "ok" : "failed"}`),
  });
  return { outcome, channels: results, detail, content };
}
