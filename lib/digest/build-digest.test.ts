import { describe, expect, it } from "vitest";
import { buildDigest, type DigestChangeInput, type DigestInput } from "./build-digest";
import { emailMessage, slackEscape, slackPayload, teamsPayload } from "./digest-payloads";

/** Finding events as summarizeChanges lists them, newest first: a week of a hybrid fleet's changes. */
const change = (n: number, over: Partial<DigestChangeInput> = {}): DigestChangeInput => ({
  subjectKey: `d:00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  rule: "object-disabled",
  severity: "critical",
  deviceId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  objectId: null,
  hostname: `PC-${String(n).padStart(4, "0")}`,
  ...over,
});

const input = (over: Partial<DigestInput> = {}): DigestInput => ({
  tenantName: "Contoso",
  since: new Date("2026-11-30T08:00:00Z"),
  until: new Date("2026-12-07T08:00:00Z"),
  counts: { opened: 14, resolved: 2, reopened: 1 },
  changes: {
    opened: Array.from({ length: 14 }, (_, i) => change(i + 1)),
    resolved: [change(40, { rule: "thumbprint-mismatch", severity: "high" }), change(41, { hostname: null })],
    reopened: [
      change(50, { hostname: null, deviceId: null, objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e04", subjectKey: "o:6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e04" }),
    ],
  },
  broken: { now: 31, next: 8 },
  openFindings: { start: 120, end: 132 },
  origin: "https://joinscope.contoso.com/",
  ...over,
});

describe("buildDigest", () => {
  it("keeps the exact counts, lists the newest ten of a kind and says how many more there are", () => {
    const d = buildDigest(input());
    expect(d.counts).toEqual({ opened: 14, resolved: 2, reopened: 1 });
    expect(d.items.opened.map((i) => i.device)).toEqual(Array.from({ length: 10 }, (_, i) => `PC-${String(i + 1).padStart(4, "0")}`));
    expect(d.more).toEqual({ opened: 4, resolved: 0, reopened: 0 });
    expect(d.summary).toBe("14 opened, 2 resolved, 1 reopened");
    expect(d.title).toBe("JoinScope digest for Contoso");
    expect(d.periodText).toBe("2026-11-30 08:00 UTC to 2026-12-07 08:00 UTC");
  });

  it("names a device by hostname, else deviceId, else objectId, with the rule's title and a link to its finding", () => {
    const d = buildDigest(input());
    expect(d.items.resolved[0]).toEqual({
      device: "PC-0040",
      rule: "thumbprint-mismatch",
      ruleTitle: expect.not.stringMatching(/^thumbprint-mismatch$/),
      severity: "high",
      url: "https://joinscope.contoso.com/devices/d%3A00000000-0000-4000-8000-000000000040#finding-thumbprint-mismatch",
    });
    expect(d.items.resolved[1]!.device).toBe("00000000-0000-4000-8000-000000000041");
    expect(d.items.reopened[0]!.device).toBe("6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e04");
    expect(d.reviewUrl).toBe("https://joinscope.contoso.com/review?period=week");
  });

  it("counts the listed items against the exact count even when fewer were read than counted", () => {
    const d = buildDigest(input({ counts: { opened: 250, resolved: 0, reopened: 0 }, changes: { opened: [change(1)], resolved: [], reopened: [] } }));
    expect(d.more.opened).toBe(249);
  });

  it("has no links without the dashboard's origin, and a daily period links to the day's review", () => {
    const d = buildDigest(input({ origin: null }));
    expect(d.reviewUrl).toBeNull();
    expect(d.items.opened.every((i) => i.url === null)).toBe(true);
    expect(buildDigest(input({ since: new Date("2026-12-06T08:00:00Z") })).reviewUrl).toMatch(/period=day$/);
  });
});

describe("the payloads", () => {
  it("Teams: one Adaptive Card attachment in a message, facts with the counts, the items as facts", () => {
    const body = teamsPayload(buildDigest(input())) as {
      type: string;
      attachments: {
        contentType: string;
        contentUrl: null;
        content: {
          type: string;
          version: string;
          body: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
          actions?: { type: string; url: string }[];
        };
      }[];
    };
    expect(body.type).toBe("message");
    expect(body.attachments).toHaveLength(1);
    const [attachment] = body.attachments;
    expect(attachment!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(attachment!.content).toMatchObject({ type: "AdaptiveCard", version: "1.2" });
    const facts = attachment!.content.body.find((b) => b.type === "FactSet")!.facts!;
    expect(facts).toContainEqual({ title: "Opened", value: "14" });
    expect(facts).toContainEqual({ title: "Resolved", value: "2" });
    expect(facts).toContainEqual({ title: "Reopened", value: "1" });
    expect(facts).toContainEqual({ title: "Unregistered now", value: "31" });
    expect(facts).toContainEqual({ title: "Open findings over the period", value: "120 → 132 (+12)" });
    expect(attachment!.content.body.some((b) => b.text === "and 4 more")).toBe(true);
    expect(attachment!.content.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open the review in JoinScope", url: "https://joinscope.contoso.com/review?period=week" },
    ]);
  });

  it("Slack: text as the notification, Block Kit sections, device names escaped so they cannot forge a link or a mention", () => {
    const hostile = change(7, { hostname: "<!channel> & <https://evil.example|click>" });
    const body = slackPayload(
      buildDigest(input({ counts: { opened: 1, resolved: 0, reopened: 0 }, changes: { opened: [hostile], resolved: [], reopened: [] } })),
    ) as {
      text: string;
      blocks: { type: string; text?: { text: string } }[];
    };
    expect(body.text).toBe("JoinScope digest for Contoso: 1 opened, 0 resolved, 0 reopened");
    expect(body.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "JoinScope digest for Contoso" } });
    const opened = body.blocks.find((b) => b.type === "section" && b.text?.text.startsWith("*Opened*"))!;
    expect(opened.text!.text).toContain("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;");
    expect(opened.text!.text).not.toContain("<!channel>");
    expect(slackEscape("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
  });

  it("Email: the counts in the subject, text and HTML bodies with every value escaped", () => {
    const hostile = change(8, { hostname: '<img src="x">' });
    const mail = emailMessage(buildDigest(input({ changes: { ...input().changes, opened: [hostile] }, counts: { opened: 1, resolved: 2, reopened: 1 } })));
    expect(mail.subject).toBe("JoinScope digest for Contoso: 1 opened, 2 resolved, 1 reopened");
    expect(mail.text).toContain("Opened: 1");
    expect(mail.text).toContain('- <img src="x">: ');
    expect(mail.html).toContain("&lt;img src=&quot;x&quot;&gt;");
    expect(mail.html).not.toContain('<img src="x">');
    expect(mail.html).toContain('<a href="https://joinscope.contoso.com/review?period=week">');
  });

  it("says when no snapshot covers the period's start", () => {
    const mail = emailMessage(buildDigest(input({ openFindings: { start: null, end: 5 } })));
    expect(mail.text).toContain("Open findings over the period: 5");
    expect(emailMessage(buildDigest(input({ openFindings: { start: null, end: null } }))).text).toContain("no snapshot yet");
  });
});
