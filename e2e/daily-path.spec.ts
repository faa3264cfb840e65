import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, setTheme, test } from "./fixtures";

const FIXTURES = join(process.cwd(), "lib/reports/fixtures");

// Issue 23, the admin's daily path, on e2e/seed.ts's Contoso tenant: PC-0466 is a hybrid device whose object an admin
// disabled (its report: DeviceAuthStatus FAILED, AADSTS135011); PC-0087's synced object was deleted.
test.beforeEach(async ({ login }) => {
  await login();
});

const PC_0466 = `/devices/${encodeURIComponent("d:74df6508-0658-4bb8-a70f-6f79c11fb95c")}`;
const PC_0087 = `/devices/${encodeURIComponent("d:52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b")}`;

test("a disabled device's page shows the 3-step re-enable first, its symptoms folded under it, and no re-join above it", async ({ page }) => {
  await page.goto(PC_0466);
  await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();

  const outlook = page.getByTestId("ca-outlook");
  await expect(outlook).toHaveAttribute("data-outlook", "unregistered-now");
  await expect(outlook).toContainText("Unregistered now");
  await expect(outlook).toContainText("Cause: Device object disabled");

  // The first finding card on the page is the primary cause, with its three steps and no re-join.
  const cards = page.getByTestId("open-finding");
  const first = cards.first();
  await expect(first).toHaveAttribute("data-rule", "object-disabled");
  await expect(first).toHaveAttribute("data-primary", "true");
  await expect(first.getByText("Primary cause")).toBeVisible();
  const steps = first.locator("ol > li");
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(1)).toContainText("Enable the computer account in Active Directory");
  await expect(first).toContainText("No re-join is needed");
  await expect(first).not.toContainText("dsregcmd /leave");

  // The symptoms are folded under it, collapsed: nothing of theirs is visible until the admin opens the fold.
  const fold = page.getByTestId("explained-findings");
  await expect(fold).not.toHaveAttribute("open", /.*/);
  await expect(fold.locator("summary")).toContainText("explained by object disabled");
  const symptom = fold.locator('[data-testid="open-finding"][data-rule="device-auth-failed"]');
  await expect(symptom).toBeHidden();
  await fold.locator("summary").click();
  await expect(symptom).toBeVisible();
  await expect(symptom.getByTestId("explained-by")).toHaveText("explained by: object disabled");
  await expect(symptom).toContainText('Fix the primary cause first: "Device object disabled');

  // No card above the primary cause, and no re-join anywhere before it.
  const text = await page.locator("main").innerText();
  const cause = text.indexOf("Primary cause");
  expect(cause).toBeGreaterThan(-1);
  expect(text.slice(0, cause)).not.toContain("dsregcmd /leave");
});

test("a deleted device's page says it is unregistered now and asks for nothing from the gone object", async ({ page }) => {
  await page.goto(PC_0087);
  await expect(page.getByTestId("ca-outlook")).toHaveAttribute("data-outlook", "unregistered-now");
  const primary = page.locator('[data-testid="open-finding"][data-primary="true"]');
  await expect(primary).toHaveAttribute("data-rule", "object-deleted");
  await expect(primary).not.toContainText("If the object is disabled");
  await expect(primary).not.toContainText("Before changing anything, export");
});

test("no dead ends: Overview problem reports, '+N more', the Reports list and a report page lead to the device", async ({ page }) => {
  await page.goto("/");
  const problem = page.getByTestId("problem-report").filter({ hasText: "PC-0466" });
  await problem.click();
  await expect(page).toHaveURL((url) => url.pathname === PC_0466);
  await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();

  await page.goto("/");
  const more = page.getByTestId("changes-opened").getByRole("link", { name: /^\+\d+ more$/ });
  await more.click();
  await expect(page).toHaveURL(/\/findings\?sort=firstSeen&dir=desc$/);
  await expect(page.getByTestId("finding-row").first()).toBeVisible();

  await page.goto("/reports?q=PC-0466");
  await page.getByTestId("report-row").filter({ hasText: "PC-0466" }).first().getByTestId("report-device-link").click();
  await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/devices\//);

  await page.goto("/reports?q=PC-0466");
  await page.getByTestId("report-row").filter({ hasText: "PC-0466" }).first().getByRole("link", { name: "PC-0466", exact: true }).click();
  await expect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
  await page.getByTestId("report-device-link").click();
  await expect(page.getByTestId("ca-outlook")).toBeVisible();
  await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
});

test("a finding row opens its own card on the device page, even a symptom folded under the primary cause", async ({ page }) => {
  await page.goto("/findings?q=PC-0466");
  await page.getByTestId("finding-row").and(page.locator('[data-rule="object-disabled"]')).getByRole("link", { name: "PC-0466" }).click();
  await expect(page).toHaveURL(/#finding-object-disabled$/);
  await expect(page.locator("#finding-object-disabled")).toBeInViewport();

  await page.goto("/findings?q=PC-0466");
  await page.getByTestId("finding-row").and(page.locator('[data-rule="device-auth-failed"]')).getByRole("link", { name: "PC-0466" }).click();
  await expect(page).toHaveURL(/#finding-device-auth-failed$/);
  await expect(page.locator("#finding-device-auth-failed")).toBeVisible();
  await expect(page.locator("#finding-device-auth-failed")).toBeInViewport();
});

test("the header search finds a machine by its user's UPN, by name and by DeviceId; the user's page lists their machines", async ({ page }) => {
  await page.goto("/");
  const search = page.getByRole("searchbox", { name: "Find a device or user" });
  await search.fill("lee.gu");
  await search.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=lee\.gu$/);
  const user = page.getByTestId("user-result");
  await expect(user).toHaveCount(1);
  await expect(user).toHaveText("lee.gu@contoso.com");
  await user.getByRole("link").click();

  await expect(page.getByRole("heading", { name: "lee.gu@contoso.com", level: 1 })).toBeVisible();
  const machine = page.getByTestId("user-device");
  await expect(machine).toHaveCount(1);
  await expect(machine).toContainText("PC-0466");
  await expect(machine).toContainText("Disabled");
  await expect(machine.getByRole("link", { name: "Device object disabled" })).toHaveAttribute("href", /#finding-object-disabled$/);
  await machine.getByRole("link", { name: "PC-0466" }).click();
  await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();

  // By a full UPN, by part of a name, by a DeviceId: the device answers.
  await page.goto("/search?q=LEE.GU%40contoso.com");
  await expect(page.getByTestId("user-result")).toHaveText("lee.gu@contoso.com");
  await page.goto("/search?q=0466");
  await expect(page.getByTestId("device-result").filter({ hasText: "PC-0466" })).toBeVisible();
  await page.goto("/search?q=74df6508-0658-4bb8-a70f-6f79c11fb95c");
  await expect(page.getByTestId("device-result")).toHaveCount(1);
  await expect(page.getByTestId("device-result")).toContainText("PC-0466");
  await page.goto("/search?q=nobody.at.all");
  await expect(page.getByTestId("user-result")).toHaveCount(0);
  await expect(page.getByText("No report was captured under a UPN starting with “nobody.at.all”.")).toBeVisible();

  const missing = await page.goto("/users/not-a-upn");
  expect(missing?.status()).toBe(404);
});

test("the paste box names the synced device, adds the directory's findings, and attaches the report only on request", async ({ page }) => {
  // PC-0142's capture (win11-24h2-hybrid-full): Contoso's directory holds its object with another certificate.
  await page.goto("/diagnose");
  await page.getByLabel("Paste dsregcmd /status output").fill(readFileSync(join(FIXTURES, "win11-24h2-hybrid-full.txt"), "utf8"));
  await page.getByRole("button", { name: "Diagnose", exact: true }).click();
  const match = page.getByTestId("directory-match");
  await expect(match).toContainText("This report is PC-0142 in Contoso");
  await expect(match).toContainText("Live");
  // The directory's finding, which the report alone cannot give.
  await expect(page.getByRole("article", { name: "critical finding: Device certificate differs from the directory's" })).toBeVisible();

  // The report has no Client Time: attaching needs the capture time.
  const attach = match.getByRole("button", { name: "Attach to PC-0142's timeline" });
  await attach.click();
  await expect(match.getByRole("alert")).toContainText("enter when it was captured");

  const captured = new Date(Date.now() - 3 * 24 * 3600_000).toISOString().slice(0, 19);
  await page.getByLabel("Captured at (UTC)").fill(captured);
  await page.getByRole("button", { name: "Diagnose", exact: true }).click();
  await expect(page.getByText(`PRT times are judged at the capture time you entered, ${captured.replace("T", " ")} UTC.`)).toBeVisible();
  await match.getByRole("button", { name: "Attach to PC-0142's timeline" }).click();
  await expect(match.getByTestId("attach-done")).toContainText("Attached as a report of the device.");
  await match.getByRole("link", { name: "Open PC-0142's timeline" }).click();

  await expect(page.getByRole("heading", { name: "PC-0142", level: 1 })).toBeVisible();
  const timeline = page.getByTestId("timeline-entry");
  await expect(timeline.filter({ hasText: "Audit: report.attach-paste by e2e-admin@joinscope.test" })).toBeVisible();
  await page.goto(`/reports?q=PC-0142`);
  await expect(page.getByTestId("report-row").filter({ hasText: "PC-0142" })).toHaveCount(2);
});

test("fixes an admin can run: copy buttons on commands with the device's ids, destructive steps labelled, a safe first step", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(PC_0466);
  const cause = page.locator('[data-testid="open-finding"][data-primary="true"]');
  await expect(cause.getByTestId("step-safe-first")).toHaveText("Safe first step · changes nothing");
  await expect(cause.locator("ol > li").first().getByTestId("step-safe-first")).toBeVisible();
  await expect(cause.getByTestId("step-destructive")).toHaveCount(0);
  const enable = cause.getByTestId("command").filter({ hasText: "Enable-ADAccount" });
  await expect(enable.locator("code")).toHaveText("Enable-ADAccount -Identity (Get-ADComputer -Identity 'PC-0466')");
  await enable.getByRole("button", { name: "Copy command: Enable-ADAccount -Identity (Get-ADComputer -Identity 'PC-0466')" }).click();
  await expect(enable.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("Enable-ADAccount -Identity (Get-ADComputer -Identity 'PC-0466')");
  await expect(cause.getByTestId("command").filter({ hasText: "Start-ADSyncSyncCycle -PolicyType Delta" })).toBeVisible();

  // A deleted hybrid device's re-join: leaving the join is labelled as what it is, and comes after the safe steps.
  await page.goto(PC_0087);
  const rejoin = page.locator('[data-testid="open-finding"][data-primary="true"]');
  const leave = rejoin.locator("ol > li").filter({ hasText: "dsregcmd /leave" });
  await expect(leave.getByTestId("step-destructive")).toHaveText("Destructive · cannot be undone");
  await expect(
    leave.getByTestId("command").filter({ hasText: "dsregcmd /leave" }).getByRole("button", { name: "Copy command: dsregcmd /leave" }),
  ).toBeVisible();
  const kinds = await rejoin.locator("ol > li").evaluateAll((items) => items.map((li) => li.getAttribute("data-step-kind")));
  expect(kinds.indexOf("destructive")).toBeGreaterThan(0);
  expect(kinds.slice(0, kinds.indexOf("destructive"))).not.toContain("destructive");
});

for (const theme of ["light", "dark"] as const) {
  test(`device page with its primary cause (${theme})`, async ({ page, snap }) => {
    await page.goto(PC_0466);
    await setTheme(page, theme);
    await expect(page.getByTestId("ca-outlook")).toBeVisible();
    await snap(page, `device-primary-cause-${theme}`);
  });
}
