import { readFileSync } from "node:fs";
import { join } from "node:path";
import { E2E_PORT } from "./constants";
import { expect, inlineAlert, test } from "./fixtures";

test.beforeEach(async ({ login }) => {
  await login();
});

test("create an agent token, see it once, revoke it, and the API refuses it", async ({ page, request }) => {
  const name = `E2E token ${Date.now().toString(36)}`;
  await page.goto("/agents");
  await page.getByLabel("Token name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();

  const tokenBox = page.getByTestId("new-token-value");
  await expect(tokenBox).toHaveText(/^jsa_[A-Za-z0-9_-]{43}$/);
  const token = (await tokenBox.textContent())!.trim();
  await expect(page.getByText("It is shown only this once")).toBeVisible();
  await expect(page.getByTestId("new-token")).toContainText(`Invoke-RestMethod -Method Post -Uri http://127.0.0.1:${E2E_PORT}/api/v1/reports`);

  const row = page.getByTestId("token-row").filter({ hasText: name });
  await expect(row).toContainText(`${token.slice(0, 10)}…`);
  await expect(row).toContainText("Active");

  const upload = () =>
    request.post("/api/v1/reports", {
      headers: { Authorization: `Bearer ${token}` },
      data: {
        hostname: `E2E-AG-${Date.now().toString(36)}`,
        capturedAt: new Date().toISOString(),
        agentVersion: "e2e",
        dsregcmd: readFileSync(join(process.cwd(), "lib/reports/fixtures/win11-24h2-hybrid-full.txt"), "utf8"),
      },
    });
  expect((await upload()).status()).toBe(201);

  // The token is never shown again: a reload shows only its prefix.
  await page.reload();
  await expect(page.getByTestId("new-token-value")).toHaveCount(0);

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await row.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(row).toContainText("Revoked");

  const refused = await upload();
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("revoked-token");
});

test("token name is required", async ({ page }) => {
  await page.goto("/agents");
  await page.getByLabel("Token name").fill("   ");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(inlineAlert(page)).toContainText("Give the token a name");
});
