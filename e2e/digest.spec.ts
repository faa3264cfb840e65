/**
 * Issue 23, item 7 (Done means: "the digest is delivered to a local webhook receiver in the test"): the weekly review's
 * period choice and trend line, and the digest's settings and "Send a test digest" on the seeded Contoso tenant,
 * delivered to an HTTPS receiver this test starts. It serves the simulator's certificate for 127.0.0.1, whose CA the
 * production server trusts (scripts/e2e-server.mjs sets NODE_EXTRA_CA_CERTS), as it would trust a real webhook's.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { E2E_SIMULATOR_FILE, type E2eSimulatorInfo } from "./constants";
import { expect, test } from "./fixtures";

test.beforeEach(async ({ login }) => {
  await login();
});

interface Hit {
  path: string;
  body: unknown;
}

/** A Teams and a Slack incoming webhook on 127.0.0.1: /teams and /slack answer 200, any other path 404 as Slack does for a revoked hook. */
async function startReceiver(): Promise<{ server: Server; url: (path: string) => string; hits: Hit[] }> {
  const sim = JSON.parse(readFileSync(join(process.cwd(), E2E_SIMULATOR_FILE), "utf8")) as E2eSimulatorInfo;
  const tls = dirname(sim.caPath);
  const hits: Hit[] = [];
  const server = createServer({ cert: readFileSync(join(tls, "server.pem")), key: readFileSync(join(tls, "server-key.pem")) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({ path: req.url ?? "/", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
      const known = req.url === "/teams" || req.url === "/slack";
      res.writeHead(known ? 200 : 404, { "content-type": "text/plain" });
      res.end(known ? "ok" : "no_service");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: (path) => `https://127.0.0.1:${port}${path}`, hits };
}

test("the weekly review: what changed over a day, a week or a month, with the trend line of the daily snapshots", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Weekly review", exact: true }).click();
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByRole("heading", { name: "Weekly review", level: 1 })).toBeVisible();
  const periods = page.getByTestId("review-periods");
  await expect(periods.getByRole("link", { name: "Last 7 days" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { name: "Trend, last 28 days" })).toBeVisible();
  // The seed's findings were all opened today: the week counts them, and lists each with a link to its device.
  const opened = Number(await page.getByTestId("review-count-opened").locator("[data-count]").innerText());
  expect(opened).toBeGreaterThan(0);
  const firstOpened = page.getByTestId("review-opened").getByRole("link").first();
  await expect(firstOpened).toHaveAttribute("href", /^\/devices\/.+#finding-/);

  // The trend: 14 seeded days and today's snapshot, drawn as lines (in the browser, under the page's CSP).
  const trend = page.getByTestId("review-trend");
  await expect(trend).toHaveAttribute("data-drawn", "true");
  await expect(trend).toHaveAttribute("data-points", "15");
  await expect(trend.locator(".recharts-line-curve")).toHaveCount(3);
  await expect(trend.getByRole("img", { name: /per day over 15 days/ })).toBeVisible();
  const table = page.getByTestId("review-trend-table");
  await table.getByText("Show as table").click();
  await expect(table.getByTestId("review-trend-row")).toHaveCount(15);
  const today = new Date().toISOString().slice(0, 10);
  await expect(table.locator(`[data-day="${today}"]`)).toBeVisible();

  // A day: the trend spans a week of snapshots; no more findings opened than in the week.
  await periods.getByRole("link", { name: "Last 24 hours" }).click();
  await expect(page).toHaveURL(/\/review\?period=day$/);
  await expect(periods.getByRole("link", { name: "Last 24 hours" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { name: "Trend, last 7 days" })).toBeVisible();
  await expect(page.getByTestId("review-trend")).toHaveAttribute("data-points", "7");
  expect(Number(await page.getByTestId("review-count-opened").locator("[data-count]").innerText())).toBeLessThanOrEqual(opened);

  // A month: every seeded day.
  await periods.getByRole("link", { name: "Last 30 days" }).click();
  await expect(page).toHaveURL(/\/review\?period=month$/);
  await expect(page.getByRole("heading", { name: "Trend, last 90 days" })).toBeVisible();
  await expect(page.getByTestId("review-trend")).toHaveAttribute("data-points", "15");
  // Start → end of the period from the snapshots: no snapshot is 30 days old, so the start is unknown.
  await expect(page.getByTestId("review-open-findings")).toContainText("–");
});

test("the digest: webhooks saved encrypted and never shown back, a test digest delivered to the local receiver, the last delivery shown", async ({ page }) => {
  const receiver = await startReceiver();
  try {
    await page.goto("/settings");
    const form = page.getByRole("form", { name: "Digest settings" });
    await expect(page.getByTestId("digest-last-delivery")).toContainText("No digest sent yet.");

    // A webhook over plain http is refused, and nothing is stored.
    await form.getByLabel("Microsoft Teams webhook URL").fill(receiver.url("/teams").replace("https:", "http:"));
    await form.getByRole("button", { name: "Save digest settings" }).click();
    await expect(form.getByRole("alert")).toHaveText("The Teams webhook URL must start with https://");
    await expect(form.getByLabel("Microsoft Teams webhook URL")).toHaveAttribute("aria-invalid", "true");

    await form.getByLabel("Microsoft Teams webhook URL").fill(receiver.url("/teams"));
    await form.getByLabel("Slack webhook URL").fill(receiver.url("/slack"));
    await form.getByLabel("Send the digest on a schedule").check();
    await form.getByLabel("How often").selectOption("weekly");
    await form.getByLabel("Day", { exact: true }).selectOption("Monday");
    await form.getByLabel("Hour (UTC)").selectOption("07:00 UTC");
    await form.getByRole("button", { name: "Save digest settings" }).click();
    await expect(form.getByRole("status")).toHaveText("Digest settings saved.");
    // The fields are emptied after the save; what is stored shows as host and last four characters only.
    await expect(form.getByLabel("Microsoft Teams webhook URL")).toHaveValue("");
    await expect(page.getByTestId("digest-schedule")).toHaveText("On: every Monday at 07:00 UTC.");
    const port = new URL(receiver.url("/")).port;
    await expect(form.getByTestId("teamsWebhookUrl-stored")).toHaveText(`127.0.0.1:${port}/…eams`);
    await expect(form.getByTestId("slackWebhookUrl-stored")).toHaveText(`127.0.0.1:${port}/…lack`);
    await page.reload();
    expect(await page.content()).not.toContain(receiver.url("/teams"));
    expect(receiver.hits).toHaveLength(0);

    // Send a test digest: both channels take it; the message says so, channel by channel.
    await page.getByRole("button", { name: "Send a test digest" }).click();
    const result = page.getByTestId("test-digest-result");
    await expect(result).toHaveAttribute("data-outcome", "ok");
    await expect(result).toHaveText("Test digest delivered. Teams: delivered (HTTP 200); Slack: delivered (HTTP 200).");
    expect(receiver.hits.map((h) => h.path).sort()).toEqual(["/slack", "/teams"]);
    const teams = receiver.hits.find((h) => h.path === "/teams")!.body as {
      attachments: { contentType: string; content: { body: { facts?: { title: string; value: string }[] }[]; actions: { url: string }[] } }[];
    };
    expect(teams.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const facts = teams.attachments[0]!.content.body.flatMap((b) => b.facts ?? []);
    const openedInCard = facts.find((f) => f.title === "Opened")!.value;
    // The link back opens the week's review, which counts what the card counted.
    const review = new URL(teams.attachments[0]!.content.actions[0]!.url);
    expect(review.pathname + review.search).toBe("/review?period=week");
    const slack = receiver.hits.find((h) => h.path === "/slack")!.body as { text: string };
    expect(slack.text).toMatch(new RegExp(`^JoinScope digest for Contoso: ${openedInCard} opened, \\d+ resolved, \\d+ reopened$`));
    await expect(page.getByTestId("digest-last-outcome")).toHaveText("Delivered");
    await expect(page.getByTestId("digest-last-detail")).toHaveText("Teams: delivered (HTTP 200); Slack: delivered (HTTP 200)");

    // A Slack webhook that was revoked: the test says which channel failed and what it answered.
    await form.getByLabel("Slack webhook URL").fill(receiver.url("/revoked"));
    await form.getByRole("button", { name: "Save digest settings" }).click();
    await expect(form.getByRole("status")).toHaveText("Digest settings saved.");
    await page.getByRole("button", { name: "Send a test digest" }).click();
    await expect(result).toHaveAttribute("data-outcome", "partial");
    await expect(result.getByRole("alert")).toContainText("Not every channel took the digest");
    await expect(result.getByRole("alert")).toContainText("Slack: The webhook answered HTTP 404: no_service");
    await expect(page.getByTestId("digest-last-outcome")).toHaveText("Partly delivered");

    await page.goto(review.pathname + review.search);
    await expect(page.getByTestId("review-count-opened").locator("[data-count]")).toHaveText(openedInCard);

    // Off again, webhooks removed: the other tests see Contoso as seeded.
    await page.goto("/settings");
    await form.getByLabel("Send the digest on a schedule").uncheck();
    for (const box of await form.getByLabel("Remove this webhook").all()) await box.check();
    await form.getByRole("button", { name: "Save digest settings" }).click();
    await expect(page.getByTestId("digest-schedule")).toHaveText("Off.");
  } finally {
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  }
});
