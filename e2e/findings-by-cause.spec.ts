import { expect, inlineAlert, setTheme, test } from "./fixtures";

// e2e/seed.ts: PC-0142 has a thumbprint mismatch, PC-0466 is disabled (its device authentication fails because of it),
// PC-0087's hybrid object was deleted (device authentication fails and there is no PRT because of it).
test.beforeEach(async ({ login }) => {
  await login();
});

test("the grouped view lists each rule with its devices, causes first, and opens to that rule's devices (state in the URL)", async ({ page }) => {
  await page.goto("/findings");
  await page.getByRole("navigation", { name: "Findings view" }).getByRole("link", { name: "By cause" }).click();
  await expect(page).toHaveURL(/view=causes/);
  const groups = page.getByTestId("cause-row");
  await expect(groups.first()).toBeVisible();
  await page.reload();
  await expect(groups.first()).toBeVisible();

  // Causes first: once a rule is nobody's own cause, no later rule is one either.
  const causes = await groups.getByTestId("cause-causes").allInnerTexts();
  const firstFollower = causes.findIndex((c) => c.trim() === "0");
  if (firstFollower >= 0) expect(causes.slice(firstFollower).every((c) => c.trim() === "0")).toBe(true);
  expect(Number(causes[0])).toBeGreaterThan(0);

  const deleted = groups.and(page.locator('[data-rule="object-deleted"]'));
  await expect(deleted.getByTestId("cause-devices")).toHaveText("1");
  const authFailed = groups.and(page.locator('[data-rule="device-auth-failed"]'));
  await expect(authFailed.getByTestId("cause-follows")).toContainText("Device object deleted");
  await expect(authFailed.getByRole("link", { name: "Devices with device-auth-failed" })).toHaveAttribute("href", "/devices?rule=device-auth-failed");
  const devices = Number(await authFailed.getByTestId("cause-devices").innerText());
  expect(devices).toBeGreaterThanOrEqual(2);

  // Its findings: the flat list filtered by the rule, one row per device the group counted.
  await authFailed.getByRole("link", { name: "Findings of device-auth-failed" }).click();
  await expect(page).toHaveURL(/rule=device-auth-failed/);
  await expect(page).not.toHaveURL(/view=causes/);
  const rows = page.getByTestId("finding-row");
  await expect(rows).toHaveCount(devices);
  for (const host of ["PC-0466", "PC-0087"]) await expect(rows.filter({ hasText: host })).toHaveCount(1);
  expect(await rows.evaluateAll((els) => els.every((el) => el.getAttribute("data-rule") === "device-auth-failed"))).toBe(true);

  // The filters apply to the groups: a search leaves that device's rules.
  await page.goto("/findings?view=causes&q=PC-0087");
  await expect(groups.first()).toHaveAttribute("data-rule", "object-deleted");
  await expect(groups.getByTestId("cause-devices")).toHaveText(Array(await groups.count()).fill("1"));
});

test("bulk acknowledge of the selected groups writes one audit entry per finding, with the comment and the ticket", async ({ page }) => {
  // PC-0466 only, so the other specs' findings stay as the seed left them.
  await page.goto("/findings?view=causes&q=PC-0466");
  const groups = page.getByTestId("cause-row");
  await expect(groups.first()).toBeVisible();
  const rules = await groups.evaluateAll((els) => els.map((el) => el.getAttribute("data-rule")!));
  expect(rules).toContain("object-disabled");
  expect(rules).toContain("device-auth-failed");
  const form = page.getByRole("form", { name: "Acknowledge selected findings" });

  // Without a comment: refused, nothing acknowledged.
  await groups.first().getByRole("checkbox").check();
  await form.getByRole("button", { name: "Acknowledge selected" }).click();
  await expect(inlineAlert(page)).toContainText("Add a comment");

  for (const rule of rules) await page.getByRole("checkbox", { name: `Select ${rule}` }).check();
  await form.getByLabel("Comment").fill("Disabled on purpose: stolen laptop, wiped");
  await form.getByLabel("Ticket (optional)").fill("INC-4711");
  await form.getByRole("button", { name: "Acknowledge selected" }).click();
  await expect(page.getByTestId("bulk-acknowledge-done")).toHaveText(`${rules.length} findings acknowledged.`);
  await expect(groups.getByTestId("cause-acknowledged")).toHaveText(Array(rules.length).fill("1"));
  await expect(page.getByRole("checkbox")).toHaveCount(0);

  // The device's timeline: one audit entry and one acknowledgement per finding.
  await page.goto("/findings?q=PC-0466");
  await page.getByTestId("finding-row").first().getByRole("link", { name: "PC-0466" }).click();
  await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
  const entries = page.getByTestId("timeline-entry");
  await expect(entries.filter({ hasText: "Audit: finding.acknowledge by e2e-admin@joinscope.test" })).toHaveCount(rules.length);
  for (const rule of rules)
    await expect(entries.filter({ hasText: new RegExp(`Finding acknowledged: [^(]+ \\(${rule}\\) by e2e-admin@joinscope\\.test`) })).toHaveCount(1);
  await expect(page.locator('[data-testid="open-finding"] [data-status="acknowledged"]')).toHaveCount(rules.length);
  await expect(page.getByTestId("acknowledgement").first()).toContainText("Disabled on purpose: stolen laptop, wiped (INC-4711)");
});

test("selected rows of the flat list are acknowledged with one comment", async ({ page }) => {
  await page.goto("/findings?q=PC-0142");
  const rows = page.getByTestId("finding-row");
  await expect(rows.first()).toBeVisible();
  const row = rows.and(page.locator('[data-rule="thumbprint-mismatch"]'));
  await row.getByRole("checkbox").check();
  const form = page.getByRole("form", { name: "Acknowledge selected findings" });
  await form.getByLabel("Comment").fill("Certificate renewal scheduled");
  await form.getByRole("button", { name: "Acknowledge selected" }).click();
  await expect(page.getByTestId("bulk-acknowledge-done")).toHaveText("1 finding acknowledged.");
  await expect(row.locator('[data-status="acknowledged"]')).toBeVisible();
  await expect(row.getByRole("checkbox")).toHaveCount(0);
});

test("the Overview draws its trends from the day's snapshot, with the numbers as a table", async ({ page }) => {
  await page.goto("/");
  const trends = page.getByTestId("trends");
  await expect(trends.getByRole("heading", { name: "Trends, last 30 days" })).toBeVisible();
  await expect(trends.getByTestId("trend-charts")).toHaveAttribute("data-drawn", "true");
  await expect(trends.getByTestId("trend-chart")).toHaveCount(4);
  // Each chart is an SVG with its bars or lines drawn (in the browser, under the page's CSP: the fixture fails the
  // test on any violation the console reports).
  for (const chart of await trends.getByTestId("trend-chart").all()) await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
  await expect(trends.locator(".recharts-bar-rectangle path, .recharts-bar-rectangle rect").first()).toBeVisible();
  await expect(trends.getByRole("img", { name: /Open findings per day/ })).toBeVisible();

  const table = trends.getByTestId("trends-table");
  await table.getByText("Show as table").click();
  const today = new Date().toISOString().slice(0, 10);
  const row = table.getByTestId("trend-row").and(page.locator(`[data-day="${today}"]`));
  await expect(row).toBeVisible();
  // The seed's open findings include critical ones (the integration tests check every figure against the data).
  expect(Number(await row.locator('[data-severity="critical"]').innerText())).toBeGreaterThan(0);
  await expect(table.getByRole("columnheader", { name: "Silent 7+ days" })).toBeVisible();
  // Open findings per rule: the seed's deleted object among them, on the day's column.
  const rules = table.getByTestId("trends-rules-table");
  await expect(rules.locator('tr[data-rule="object-deleted"] td').last()).toHaveText("1");
});

for (const theme of ["light", "dark"] as const) {
  test(`screenshots of the grouped findings and the Overview's trends (${theme})`, async ({ page, snap }) => {
    await page.goto("/findings?view=causes");
    await setTheme(page, theme);
    await expect(page.getByTestId("cause-row").first()).toBeVisible();
    await snap(page, `findings-causes-${theme}`);
    await page.goto("/");
    await expect(page.getByTestId("trend-charts")).toHaveAttribute("data-drawn", "true");
    await page.getByTestId("trends-table").getByText("Show as table").click();
    await snap(page, `overview-trends-${theme}`);
  });
}
