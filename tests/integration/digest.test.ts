/**
 * Issue 23, item 7: the scheduled digest. Findings and their lifecycle events are written with the times a week of
 * findings passes would have given them; the digest of a period counts and lists exactly the events inside it, and is
 * delivered to a local Teams and Slack webhook (HTTPS) and a local SMTP server; the scheduler sends a slot once even
 * when two instances race for it; a slow or flooding receiver cannot hold the delivery.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { deliverDigest } from "@/lib/digest/deliver-digest";
import { findDigestSettings, saveDigestSettings } from "@/lib/digest/digest-settings";
import { latestDigestSlot } from "@/lib/digest/digest-schedule";
import { postWebhook } from "@/lib/digest/post-webhook";
import { sendDueDigests } from "@/lib/digest/send-due-digests";
import { createTenantWithToken } from "../setup/factories";
import { startSmtpReceiver, startWebhookReceiver } from "../setup/digest-receivers";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const UNTIL = new Date(Math.floor(Date.now() / HOUR) * HOUR);
const SINCE = new Date(UNTIL.getTime() - 7 * DAY);
const SMTP = { user: "joinscope-relay", password: "relay-password-4711" };

let tenantRef: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;

/** A finding on PC-<n> and its events, as the findings lifecycle writes them (lib/findings/plan-findings-lifecycle.ts). */
async function finding(n: number, rule: string, severity: string, events: [kind: string, at: Date][]) {
  const deviceId = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const subjectKey = `d:${deviceId}`;
  const last = events.at(-1)!;
  const f = await db.finding.create({
    data: {
      tenantRef,
      subjectKey,
      deviceId,
      hostname: `PC-${String(n).padStart(4, "0")}`,
      rule,
      severity,
      title: rule,
      explanation: "",
      evidence: [],
      remediation: [],
      fingerprint: createHash("sha256").update(`${n}${rule}`).digest("hex"),
      status: last[0] === "resolved" ? "resolved" : "open",
      firstSeenAt: events[0]![1],
      lastSeenAt: last[1],
      resolvedAt: last[0] === "resolved" ? last[1] : null,
    },
  });
  for (const [kind, at] of events) await db.findingEvent.create({ data: { tenantRef, findingRef: f.id, subjectKey, kind, at } });
}

const ago = (days: number) => new Date(UNTIL.getTime() - days * DAY);

beforeAll(async () => {
  tenantRef = (await createTenantWithToken(db, { name: "Contoso" })).tenantRef;
  // Inside the week: three opened (one of them resolved later in the week), one reopened.
  await finding(1, "object-disabled", "critical", [["opened", ago(6)]]);
  await finding(2, "thumbprint-mismatch", "high", [["opened", ago(3)]]);
  await finding(3, "object-deleted", "critical", [
    ["opened", ago(2)],
    ["resolved", ago(1)],
  ]);
  await finding(4, "stale-device", "low", [
    ["opened", ago(20)],
    ["resolved", ago(15)],
    ["reopened", ago(0.5)],
  ]);
  // Outside: opened before the week, resolved after its end.
  await finding(5, "object-disabled", "critical", [["opened", ago(8)]]);
  await finding(6, "object-disabled", "critical", [
    ["opened", ago(9)],
    ["resolved", new Date(UNTIL.getTime() + HOUR)],
  ]);
  receiver = await startWebhookReceiver({ "/slow": "slow", "/huge": "huge", "/gone": 404 });
  smtp = await startSmtpReceiver(SMTP);
});

afterAll(async () => {
  await receiver.close();
  await smtp.close();
});

type SettingsInput = Parameters<typeof saveDigestSettings>[1];
const settings = (over: Partial<SettingsInput> = {}): SettingsInput => ({
  tenantRef,
  actor: "admin@contoso.com",
  enabled: false,
  frequency: "weekly",
  weekday: 1,
  hour: 8,
  smtpHost: "",
  smtpPort: null,
  smtpSecurity: "none",
  smtpUser: "",
  emailFrom: "",
  emailTo: "",
  ...over,
});

describe("the digest of a period", () => {
  it("is delivered to Teams, Slack and email with exactly the period's opened, resolved and reopened findings", async () => {
    const saved = await saveDigestSettings(
      db,
      settings({
        teamsWebhookUrl: receiver.url("/teams"),
        slackWebhookUrl: receiver.url("/slack"),
        smtpHost: "127.0.0.1",
        smtpPort: String(smtp.port),
        smtpUser: SMTP.user,
        smtpPassword: SMTP.password,
        emailFrom: "joinscope@contoso.com",
        emailTo: "endpoint-team@contoso.com; helpdesk@contoso.com",
      }),
    );
    expect(saved).toEqual({ ok: true, channels: 3 });

    const delivery = await deliverDigest(db, { tenantRef, since: SINCE, until: UNTIL, trigger: "test", origin: "https://joinscope.contoso.com" });
    expect(delivery.channels.map((c) => [c.channel, c.ok])).toEqual([
      ["Teams", true],
      ["Slack", true],
      ["Email", true],
    ]);
    expect(delivery.outcome).toBe("ok");
    expect(delivery.content!.counts).toEqual({ opened: 3, resolved: 1, reopened: 1 });
    expect(delivery.content!.items.opened.map((i) => i.device)).toEqual(["PC-0003", "PC-0002", "PC-0001"]);
    expect(delivery.content!.items.resolved.map((i) => i.device)).toEqual(["PC-0003"]);
    expect(delivery.content!.items.reopened.map((i) => i.device)).toEqual(["PC-0004"]);

    const teams = receiver.hits.find((h) => h.path === "/teams")!;
    expect(teams.contentType).toMatch(/^application\/json/);
    const card = (teams.body as { attachments: { contentType: string; content: { body: { facts?: { title: string; value: string }[] }[] } }[] })
      .attachments[0]!;
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content.body.flatMap((b) => b.facts ?? []).filter((f) => ["Opened", "Resolved", "Reopened"].includes(f.title))).toEqual([
      { title: "Opened", value: "3" },
      { title: "Reopened", value: "1" },
      { title: "Resolved", value: "1" },
    ]);
    const slack = receiver.hits.find((h) => h.path === "/slack")!.body as { text: string };
    expect(slack.text).toBe("JoinScope digest for Contoso: 3 opened, 1 resolved, 1 reopened");

    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.user).toBe(SMTP.user);
    expect(mail!.from).toBe("joinscope@contoso.com");
    expect(mail!.to).toEqual(["endpoint-team@contoso.com", "helpdesk@contoso.com"]);
    expect(mail!.raw).toContain("Subject: JoinScope digest for Contoso: 3 opened, 1 resolved, 1 reopened");

    // The delivery is recorded; the settings page's view holds no URL and no password, nor do the stored rows.
    const view = await findDigestSettings(db, tenantRef);
    expect(view.lastDelivery).toMatchObject({ outcome: "ok", trigger: "test" });
    expect(view.lastDelivery!.detail).toBe("Teams: delivered (HTTP 200); Slack: delivered (HTTP 200); Email: sent to 2 recipients");
    expect(view.teamsWebhook).toBe(`127.0.0.1:${new URL(receiver.url("/")).port}/…eams`);
    const stored = JSON.stringify([await db.digestSettings.findUnique({ where: { tenantRef } }), await db.auditLog.findMany({ where: { tenantRef } })]);
    expect(stored).not.toContain(receiver.url("/teams"));
    expect(stored).not.toContain(receiver.url("/slack"));
    expect(stored).not.toContain(SMTP.password);
    expect(JSON.stringify(view)).not.toContain("/teams");
  });

  it("keeps a stored secret when its field is left blank, and clears it when asked", async () => {
    expect(
      await saveDigestSettings(
        db,
        settings({ smtpHost: "127.0.0.1", smtpPort: String(smtp.port), smtpUser: SMTP.user, emailFrom: "a@contoso.com", emailTo: "b@contoso.com" }),
      ),
    ).toMatchObject({ ok: true });
    let view = await findDigestSettings(db, tenantRef);
    expect(view.teamsWebhook).not.toBeNull();
    expect(view.smtpPasswordSet).toBe(true);
    expect(
      await saveDigestSettings(
        db,
        settings({
          removeSlackWebhook: true,
          smtpHost: "127.0.0.1",
          smtpPort: String(smtp.port),
          smtpUser: SMTP.user,
          emailFrom: "a@contoso.com",
          emailTo: "b@contoso.com",
        }),
      ),
    ).toMatchObject({ ok: true, channels: 2 });
    view = await findDigestSettings(db, tenantRef);
    expect(view.slackWebhook).toBeNull();
    expect(view.teamsWebhook).not.toBeNull();
  });

  it("refuses a webhook that is not https, email without recipients, and a schedule with no channel, storing nothing", async () => {
    const before = await db.digestSettings.findUnique({ where: { tenantRef } });
    expect(await saveDigestSettings(db, settings({ teamsWebhookUrl: "http://contoso.webhook.office.com/webhookb2/x" }))).toMatchObject({
      ok: false,
      error: { field: "teamsWebhookUrl", message: "The Teams webhook URL must start with https://" },
    });
    expect(await saveDigestSettings(db, settings({ smtpHost: "smtp.contoso.com", smtpPort: "587", emailFrom: "a@contoso.com" }))).toMatchObject({
      ok: false,
      error: { field: "emailTo" },
    });
    expect(
      await saveDigestSettings(db, settings({ emailTo: "not-an-address", smtpHost: "smtp.contoso.com", smtpPort: "587", emailFrom: "a@contoso.com" })),
    ).toMatchObject({
      ok: false,
      error: { field: "emailTo", message: "A recipient is not an email address" },
    });
    expect(await saveDigestSettings(db, settings({ enabled: true, removeTeamsWebhook: true }))).toMatchObject({ ok: false, error: { field: "enabled" } });
    expect(await db.digestSettings.findUnique({ where: { tenantRef } })).toEqual(before);
  });
});

describe("a receiver that misbehaves", () => {
  it("is given up on at the deadline, and a flood of an answer is cut at the size bound", async () => {
    const started = Date.now();
    expect(await postWebhook(receiver.url("/slow"), { text: "x" }, { timeoutMs: 500 })).toEqual({
      ok: false,
      message: "The webhook did not answer within 1 s",
    });
    expect(Date.now() - started).toBeLessThan(3000);
    const huge = await postWebhook(receiver.url("/huge"), { text: "x" }, { maxResponseBytes: 1024 });
    expect(huge.ok).toBe(false);
    expect(!huge.ok && huge.message).toMatch(/^The webhook answered HTTP 500: x{200}…$/);
    expect(await postWebhook(receiver.url("/gone"), { text: "x" })).toEqual({ ok: false, message: "The webhook answered HTTP 404: invalid_payload" });
    expect(await postWebhook("http://127.0.0.1:1/x", {})).toEqual({ ok: false, message: "The webhook URL must use https" });
  });

  it("records a partial delivery with what each channel answered, and never the URL", async () => {
    await saveDigestSettings(db, settings({ teamsWebhookUrl: receiver.url("/teams"), slackWebhookUrl: receiver.url("/gone") }));
    const delivery = await deliverDigest(db, { tenantRef, since: SINCE, until: UNTIL, trigger: "test", origin: null });
    expect(delivery.outcome).toBe("partial");
    const view = await findDigestSettings(db, tenantRef);
    expect(view.lastDelivery).toMatchObject({
      outcome: "partial",
      detail: "Teams: delivered (HTTP 200); Slack: The webhook answered HTTP 404: invalid_payload",
    });
  });
});

describe("the schedule", () => {
  it("sends a slot once, even when two instances tick at the same time, and the next slot a week later", async () => {
    const saved = await saveDigestSettings(
      db,
      settings({ enabled: true, frequency: "weekly", weekday: 1, hour: 8, teamsWebhookUrl: receiver.url("/scheduled"), removeSlackWebhook: true }),
    );
    expect(saved).toMatchObject({ ok: true });
    const posts = () => receiver.hits.filter((h) => h.path === "/scheduled").length;
    // Saving does not send the slot that already passed.
    expect(await sendDueDigests(new Date())).toBe(0);

    const slot = latestDigestSlot({ frequency: "weekly", weekday: 1, hour: 8 }, new Date(Date.now() + 7 * DAY));
    const tick = new Date(slot.getTime() + 5 * 60_000);
    const sent = await Promise.all([sendDueDigests(tick, { holder: "instance-a" }), sendDueDigests(tick, { holder: "instance-b" })]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    expect(posts()).toBe(1);
    expect(await sendDueDigests(new Date(tick.getTime() + HOUR))).toBe(0);
    expect(posts()).toBe(1);
    expect((await db.digestSettings.findUnique({ where: { tenantRef }, select: { lastSlotAt: true } }))!.lastSlotAt).toEqual(slot);
    const view = await findDigestSettings(db, tenantRef);
    expect(view.lastDelivery).toMatchObject({ outcome: "ok", trigger: "schedule" });

    expect(await sendDueDigests(new Date(tick.getTime() + 7 * DAY))).toBe(1);
    expect(posts()).toBe(2);
  });
});
