import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, inlineAlert, test } from "./fixtures";

const FIXTURES = join(process.cwd(), "lib/reports/fixtures");

test.beforeEach(async ({ login }) => {
  await login();
});

// Hybrid-joined Windows 10 21H1 whose Entra object was deleted: DeviceAuthStatus FAILED, AADSTS50155. Its DeviceId is
// PC-0087's, whose object e2e/seed.ts deleted in Contoso's directory: the paste box judges it with that object.
test("a broken report gets a critical finding with BitLocker-safe remediation", async ({ page }) => {
  await page.goto("/diagnose");
  await expect(page.getByText("Nothing is stored: Diagnose is a scratchpad.")).toBeVisible();
  await page.getByLabel("Paste dsregcmd /status output").fill(readFileSync(join(FIXTURES, "win10-21h1-hybrid-deleted.txt"), "utf8"));
  await page.getByRole("button", { name: "Diagnose", exact: true }).click();

  const verdict = page.getByRole("region", { name: "Verdict" });
  await expect(verdict).toContainText("Critical");
  const critical = page.getByRole("article", { name: /^critical finding: Device authentication failed/ });
  await expect(critical.getByRole("heading", { name: "Device authentication failed: device object deleted, disabled or key mismatch" })).toBeVisible();
  await expect(critical.getByRole("cell", { name: "DeviceAuthStatus" }).first()).toBeVisible();
  // The deleted object is the primary cause: it carries the fix, keys first; the authentication failure points to it.
  await expect(critical).toContainText("Fix the primary cause first");
  const cause = page.getByRole("article", { name: /^critical finding: Device object deleted/ });
  await expect(cause.getByTestId("primary-cause")).toBeVisible();
  await expect(cause.getByRole("listitem").filter({ hasText: "BitLocker recovery keys" })).toBeVisible();

  // Derived facts and every section as printed.
  await expect(page.getByText("52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b").first()).toBeVisible();
  for (const name of ["Device State", "Device Details", "Tenant Details", "SSO State", "Ngc Prerequisite Check"]) {
    await expect(page.getByRole("heading", { name, exact: true, level: 3 })).toBeVisible();
  }
});

// Windows PowerShell 5.1 `dsregcmd /status > file.txt` writes UTF-16LE with a BOM.
test("a UTF-16LE file from PowerShell 5.1 is decoded and parsed", async ({ page }) => {
  await page.goto("/diagnose");
  await page.locator("#dsregcmd-file").setInputFiles(join(FIXTURES, "win11-23h2-hybrid.utf16le.txt"));
  await expect(page.getByRole("region", { name: "Verdict" })).toBeVisible();
  await expect(page.getByText("368c996b-2e0f-4cc2-8486-03352e3d2864").first()).toBeVisible();
  await expect(page.getByText("Microsoft Entra hybrid joined")).toBeVisible();
  await expect(page.getByText("Read from win11-23h2-hybrid.utf16le.txt")).toBeVisible();
});

test("input that is not dsregcmd output shows an inline error", async ({ page }) => {
  await page.goto("/diagnose");
  await page.getByLabel("Paste dsregcmd /status output").fill("Hi team, the laptop of Megan says it is unregistered again. Can you look?\nThanks");
  await page.getByRole("button", { name: "Diagnose", exact: true }).click();
  await expect(inlineAlert(page)).toContainText("Could not read this as dsregcmd /status output");
  await expect(page.getByRole("region", { name: "Verdict" })).toHaveCount(0);

  await page.getByLabel("Paste dsregcmd /status output").fill(readFileSync(join(FIXTURES, "ipconfig-all.txt"), "utf8"));
  await page.getByRole("button", { name: "Diagnose", exact: true }).click();
  await expect(inlineAlert(page)).toContainText("ipconfig /all");
});

// Windows 11 24H2 hybrid sample: its PRT expired on 2025-03-23. An old paste is judged at its own capture time.
test("PRT times are judged at the capture time the admin enters, and only described without one", async ({ page }) => {
  await page.goto("/diagnose");
  await page.getByLabel("Paste dsregcmd /status output").fill(readFileSync(join(FIXTURES, "win11-24h2-hybrid-full.txt"), "utf8"));
  await page.getByRole("button", { name: "Diagnose", exact: true }).click();
  await expect(page.getByText("the capture time is unknown, so PRT times are described, not judged.")).toBeVisible();
  await expect(page.getByRole("article", { name: /^info finding: PRT expiry time has passed/ })).toBeVisible();
  await expect(page.getByRole("article", { name: /^high finding: Primary Refresh Token expired/ })).toHaveCount(0);

  await page.getByLabel("Captured at (UTC)").fill("2025-04-02T09:00:00");
  await page.getByRole("button", { name: "Diagnose", exact: true }).click();
  await expect(page.getByText("PRT times are judged at the capture time you entered, 2025-04-02 09:00:00 UTC.")).toBeVisible();
  await expect(page.getByRole("article", { name: /^high finding: Primary Refresh Token expired/ })).toBeVisible();
});
