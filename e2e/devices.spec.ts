import { expect, inlineAlert, setTheme, test } from "./fixtures";

// e2e/seed.ts: PC-0087 was registered, then deleted in Entra ID (object-deleted) and still reports;
// PC-0142's directory thumbprint differs from the one it reports; PC-0311 has no PRT (network failure).
test.beforeEach(async ({ login }) => {
  await login();
});

test("Devices lists directory objects and report-only hosts; a row opens the device with its findings and timeline", async ({ page }) => {
  await page.goto("/devices");
  await expect(page.getByRole("heading", { name: "Devices", level: 1 })).toBeVisible();
  const rows = page.getByTestId("device-row");
  await expect(rows.filter({ hasText: "PC-0500" })).toContainText("Pending");
  await expect(rows.filter({ hasText: "PC-0019" })).toContainText("Not in directory");
  await expect(rows.filter({ hasText: "PC-0087" })).toContainText("Deleted · deleted in Entra ID");

  const filters = page.getByRole("search", { name: "Filter devices" });
  await filters.getByLabel("Directory state").selectOption("deleted");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/state=deleted/);
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole("link", { name: "PC-0087" }).click();

  await expect(page.getByRole("heading", { name: "PC-0087", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/devices\/d%3A52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b$/);
  await expect(page.locator('[data-testid="open-finding"][data-rule="object-deleted"]')).toBeVisible();

  const timeline = page.getByTestId("timeline-entry");
  const report = timeline.filter({ hasText: "First report: Hybrid joined, AzureAdPrt NO" });
  await expect(report).toBeVisible();
  await report.locator("summary").click();
  await expect(report.getByRole("link", { name: "Open the full report" })).toBeVisible();
  await expect(timeline.filter({ hasText: "Directory object deleted (deleted in Entra ID)" })).toBeVisible();
  await expect(timeline.filter({ hasText: "Registered in Entra ID" })).toBeVisible();
  await expect(timeline.filter({ hasText: "Finding opened: Device object deleted (object-deleted)" })).toBeVisible();
});

test("the device header highlights a thumbprint mismatch between the directory and the report", async ({ page }) => {
  await page.goto("/devices?q=pc-0142");
  await page.getByTestId("device-row").getByRole("link", { name: "PC-0142" }).click();
  const thumbprints = page.getByTestId("thumbprints");
  await expect(thumbprints).toHaveAttribute("data-mismatch", "true");
  await expect(thumbprints).toContainText("0F1E2D3C4B5A69788796A5B4C3D2E1F00A1B2C3D");
  await expect(thumbprints).toContainText("17BDE63F5B57EDC526E93E84F9A5EE81E55906EA");
});

test("acknowledging needs a comment; with one the finding is marked acknowledged and the timeline shows it", async ({ page }) => {
  await page.goto("/devices?q=PC-0311");
  await page.getByTestId("device-row").getByRole("link", { name: "PC-0311" }).click();
  await expect(page.getByRole("heading", { name: "PC-0311", level: 1 })).toBeVisible();
  const finding = page.locator('[data-testid="open-finding"][data-rule="prt-missing"]');
  const form = finding.getByRole("form", { name: "Acknowledge prt-missing" });

  await form.getByRole("button", { name: "Acknowledge" }).click();
  await expect(inlineAlert(page)).toContainText("Add a comment");
  await expect(finding.getByTestId("acknowledgement")).toHaveCount(0);

  const comment = `Proxy change CHG-${Date.now().toString(36)} rolls out Friday`;
  await form.getByLabel("Acknowledge with a comment").fill(comment);
  await form.getByRole("button", { name: "Acknowledge" }).click();
  await expect(finding.getByTestId("acknowledgement")).toContainText(comment);
  await expect(finding.locator('[data-status="acknowledged"]')).toBeVisible();
  await expect(
    page.getByTestId("timeline-entry").filter({ hasText: "Finding acknowledged: No Primary Refresh Token (prt-missing) by e2e-admin@joinscope.test" }),
  ).toBeVisible();
  await expect(page.getByTestId("timeline-entry").filter({ hasText: "Audit: finding.acknowledge" })).toBeVisible();

  await page.goto("/findings?ack=yes&rule=prt-missing");
  await expect(page.getByTestId("finding-row").filter({ hasText: "PC-0311" })).toContainText("Acknowledged");
});

test("an unknown device is a 404", async ({ page }) => {
  const response = await page.goto(`/devices/${encodeURIComponent("d:00000000-0000-4000-8000-000000000000")}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Device not found" })).toBeVisible();
});

for (const theme of ["light", "dark"] as const) {
  test(`devices screenshots (${theme})`, async ({ page, snap }) => {
    await page.goto("/devices");
    await setTheme(page, theme);
    await expect(page.getByTestId("device-row").first()).toBeVisible();
    await snap(page, `devices-${theme}`);
    await page.goto(`/devices/${encodeURIComponent("d:dd5ac0a8-cb5f-461e-9269-2502cbabc065")}`);
    await expect(page.getByRole("heading", { name: "PC-0142", level: 1 })).toBeVisible();
    await page.getByTestId("timeline-entry").first().locator("summary").click();
    await snap(page, `device-detail-${theme}`);
  });
}
