import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./fixtures";

test.beforeEach(async ({ login }) => {
  await login();
});

test("an uploaded report is listed, found by hostname, and opens with its sections", async ({ page, request }) => {
  // A token for this test, created through the dashboard as an admin would; it uploads itself, as agents before
  // version 2 do (decision 011).
  await page.goto("/agents");
  await page.getByLabel("Token name").fill(`Reports e2e ${Date.now().toString(36)}`);
  await page.getByLabel("Also accept direct uploads from agents before version 2").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token-value").textContent())!.trim();

  const hostname = `E2E-RPT-${Date.now().toString(36).toUpperCase()}`;
  const response = await request.post("/api/v1/reports", {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      hostname,
      capturedAt: new Date(Date.now() - 60_000).toISOString(),
      agentVersion: "e2e",
      dsregcmd: readFileSync(join(process.cwd(), "lib/reports/fixtures/win10-21h1-hybrid-deleted.txt"), "utf8"),
      computerDn: `CN=${hostname},OU=Disabled Computers,DC=corp,DC=contoso,DC=com`,
      events: [
        {
          id: 1098,
          time: new Date().toISOString(),
          level: "Error",
          task: "AadTokenBrokerPlugin Operation",
          log: "Microsoft-Windows-AAD/Operational",
          message: "Error: 0xCAA2000C The request requires user interaction. AADSTS50155",
        },
      ],
    },
  });
  expect(response.status()).toBe(201);

  await page.goto("/reports");
  await expect(page.getByTestId("report-row").filter({ hasText: hostname })).toBeVisible();
  expect(await page.getByTestId("report-row").count()).toBeGreaterThan(1);

  await page.getByRole("searchbox", { name: "Search" }).fill(hostname.toLowerCase());
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${hostname.toLowerCase()}`));
  await expect(page.getByTestId("report-row")).toHaveCount(1);
  const row = page.getByTestId("report-row").first();
  await expect(row).toContainText("Critical");
  await expect(row).toContainText("FAILED");

  // Bad query-string values fall back to defaults instead of failing.
  await page.goto(`/reports?q=${hostname}&sort=nonsense&page=-4&join=martian`);
  await expect(page.getByTestId("report-row")).toHaveCount(1);

  await page.getByTestId("report-row").first().getByRole("link", { name: hostname }).click();
  await expect(page.getByRole("heading", { name: hostname, level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Device authentication failed: device object deleted, disabled or key mismatch" })).toBeVisible();
  for (const name of ["Device State", "Device Details", "SSO State"]) {
    await expect(page.getByRole("heading", { name, exact: true, level: 3 })).toBeVisible();
  }
  await expect(page.getByText(`CN=${hostname},OU=Disabled Computers`)).toBeVisible();
  await expect(page.getByRole("cell", { name: "1098", exact: true })).toBeVisible();
  await page.getByText("Raw dsregcmd /status (user session)").click();
  await expect(page.locator("pre").filter({ hasText: "AADSTS50155" })).toBeVisible();
});

test("an unknown report id is a 404", async ({ page }) => {
  const response = await page.goto("/reports/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Report not found" })).toBeVisible();
});
