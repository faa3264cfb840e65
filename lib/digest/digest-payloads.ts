import { DIGEST_KINDS, type DigestChangeKind, type DigestContent, type DigestItem } from "./build-digest";

/**
 * The digest laid out for each channel. Documented formats only, so any receiver of that kind takes it:
 * - Teams: a message with one Adaptive Card attachment, the body an incoming webhook (and a Workflows "post to a
 *   channel when a webhook request is received" flow) accepts
 *   (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook).
 *   Card version 1.2 and only TextBlock, FactSet and Action.OpenUrl, which every Teams client renders.
 * - Slack: `text` (the notification and fallback) plus Block Kit `blocks`
 *   (https://api.slack.com/messaging/webhooks); mrkdwn escapes &, < and > as Slack requires.
 * - Email: a subject, a plain-text body and the same as simple HTML (every value escaped).
 */
const KIND_LABEL: Record<DigestChangeKind, string> = { opened: "Opened", reopened: "Reopened", resolved: "Resolved" };

const openFindingsText = (o: DigestContent["openFindings"]) =>
  o.start !== null && o.end !== null
    ? `${o.start} → ${o.end} (${o.end - o.start >= 0 ? "+" : ""}${o.end - o.start})`
    : o.end !== null
      ? String(o.end)
      : "no snapshot yet";

function facts(content: DigestContent): [string, string][] {
  return [
    ["Opened", String(content.counts.opened)],
    ["Reopened", String(content.counts.reopened)],
    ["Resolved", String(content.counts.resolved)],
    ["Unregistered now", String(content.broken.now)],
    ["At risk (next Connect cycle)", String(content.broken.next)],
    ["Open findings over the period", openFindingsText(content.openFindings)],
  ];
}

const itemLine = (i: DigestItem) => `${i.device}: ${i.ruleTitle} (${i.severity})`;

/** Teams: an Adaptive Card in a message, as an incoming webhook takes it. */
export function teamsPayload(content: DigestContent): object {
  const body: object[] = [
    { type: "TextBlock", text: content.title, weight: "Bolder", size: "Medium", wrap: true },
    { type: "TextBlock", text: content.periodText, isSubtle: true, spacing: "None", wrap: true },
    { type: "FactSet", facts: facts(content).map(([title, value]) => ({ title, value })) },
  ];
  for (const kind of DIGEST_KINDS) {
    if (content.items[kind].length === 0) continue;
    body.push({ type: "TextBlock", text: KIND_LABEL[kind], weight: "Bolder", separator: true, wrap: true });
    // A FactSet, not markdown: device names are the directory's and could hold markdown characters.
    body.push({ type: "FactSet", facts: content.items[kind].map((i) => ({ title: i.device, value: `${i.ruleTitle} (${i.severity})` })) });
    if (content.more[kind] > 0) body.push({ type: "TextBlock", text: `and ${content.more[kind]} more`, isSubtle: true, spacing: "None", wrap: true });
  }
  const card: Record<string, unknown> = { $schema: "http://adaptivecards.io/schemas/adaptive-card.json", type: "AdaptiveCard", version: "1.2", body };
  if (content.reviewUrl) card.actions = [{ type: "Action.OpenUrl", title: "Open the review in JoinScope", url: content.reviewUrl }];
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
}

/** Slack's three control characters in mrkdwn and plain text (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Slack: Block Kit, within its limits (a header's 150 characters, a section's 3,000). */
export function slackPayload(content: DigestContent): object {
  const blocks: object[] = [
    { type: "header", text: { type: "plain_text", text: content.title.slice(0, 150) } },
    { type: "context", elements: [{ type: "mrkdwn", text: slackEscape(content.periodText) }] },
    { type: "section", fields: facts(content).map(([k, v]) => ({ type: "mrkdwn", text: `*${slackEscape(k)}*\n${slackEscape(v)}` })) },
  ];
  for (const kind of DIGEST_KINDS) {
    if (content.items[kind].length === 0) continue;
    const lines = content.items[kind].map(
      (i) => `• ${i.url ? `<${i.url}|${slackEscape(i.device)}>` : `*${slackEscape(i.device)}*`}: ${slackEscape(i.ruleTitle)} (${i.severity})`,
    );
    if (content.more[kind] > 0) lines.push(`and ${content.more[kind]} more`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*${KIND_LABEL[kind]}*\n${lines.join("\n")}`.slice(0, 3000) } });
  }
  if (content.reviewUrl) blocks.push({ type: "section", text: { type: "mrkdwn", text: `<${content.reviewUrl}|Open the review in JoinScope>` } });
  return { text: slackEscape(`${content.title}: ${content.summary}`), blocks };
}

const html = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");

export interface DigestEmail {
  subject: string;
  text: string;
  html: string;
}

/** Email: the same content as text and as simple HTML (tables, no images, no remote content). */
export function emailMessage(content: DigestContent): DigestEmail {
  const text: string[] = [content.title, content.periodText, ""];
  for (const [k, v] of facts(content)) text.push(`${k}: ${v}`);
  const parts: string[] = [
    `<h2 style="font-family:sans-serif">${html(content.title)}</h2>`,
    `<p style="font-family:sans-serif;color:#555">${html(content.periodText)}</p>`,
    `<table style="font-family:sans-serif;border-collapse:collapse">${facts(content)
      .map(([k, v]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0">${html(k)}</th><td>${html(v)}</td></tr>`)
      .join("")}</table>`,
  ];
  for (const kind of DIGEST_KINDS) {
    if (content.items[kind].length === 0) continue;
    text.push("", `${KIND_LABEL[kind]}:`);
    for (const i of content.items[kind]) text.push(`- ${itemLine(i)}${i.url ? ` ${i.url}` : ""}`);
    if (content.more[kind] > 0) text.push(`  and ${content.more[kind]} more`);
    const lis = content.items[kind].map(
      (i) => `<li>${i.url ? `<a href="${html(i.url)}">${html(i.device)}</a>` : html(i.device)}: ${html(i.ruleTitle)} (${html(i.severity)})</li>`,
    );
    if (content.more[kind] > 0) lis.push(`<li>and ${content.more[kind]} more</li>`);
    parts.push(`<h3 style="font-family:sans-serif">${KIND_LABEL[kind]}</h3><ul style="font-family:sans-serif">${lis.join("")}</ul>`);
  }
  if (content.reviewUrl) {
    text.push("", `Open the review in JoinScope: ${content.reviewUrl}`);
    parts.push(`<p style="font-family:sans-serif"><a href="${html(content.reviewUrl)}">Open the review in JoinScope</a></p>`);
  }
  return { subject: `${content.title}: ${content.summary}`, text: text.join("\n"), html: parts.join("\n") };
}
