import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { E2E_PORT } from "./constants";
import { expect, inlineAlert, test } from "./fixtures";

test.beforeEach(async ({ login }) => {
  await login();
});

const DSREGCMD = readFileSync(join(process.cwd(), "lib/reports/fixtures/win11-24h2-hybrid-full.txt"), "utf8");

/** One report as an agent sends it; a fresh capture time each call, so no two uploads are the same content. */
function upload(request: APIRequestContext, credential: string, hostname: string, agentVersion = "1.0.0") {
  return request.post("/api/v1/reports", {
    headers: { Authorization: `Bearer ${credential}` },
    data: { hostname, capturedAt: new Date(Date.now() - Math.floor(Math.random() * 3_600_000)).toISOString(), agentVersion, dsregcmd: DSREGCMD },
  });
}

async function createToken(page: import("@playwright/test").Page, name: string, options: { directUpload: boolean }) {
  await page.goto("/agents");
  await page.getByLabel("Token name").fill(name);
  if (options.directUpload) await page.getByLabel("Also accept direct uploads from agents before version 2").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const tokenBox = page.getByTestId("new-token-value");
  await expect(tokenBox).toHaveText(/^jsa_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByText("It is shown only this once")).toBeVisible();
  return (await tokenBox.textContent())!.trim();
}

test("an enrolment-only token: a machine enrols with it and is listed, its key uploads; revoking the device refuses it, revoking the token stops enrolment", async ({
  page,
  request,
}) => {
  const suffix = Date.now().toString(36).toUpperCase();
  const name = `E2E enrol ${suffix}`;
  const token = await createToken(page, name, { directUpload: false });
  await expect(page.getByTestId("new-token")).toContainText(`http://127.0.0.1:${E2E_PORT}/api/v1/agents/enrol`);
  await expect(page.getByTestId("new-token")).not.toContainText("Invoke-RestMethod");

  // The token itself cannot upload.
  const direct = await upload(request, token, `E2E-AG-${suffix}`);
  expect(direct.status()).toBe(401);
  expect((await direct.json()).error.code).toBe("enrolment-required");

  // The agent enrols (decision 011) and uploads with its own key.
  const hostname = `E2E-AG-${suffix}`;
  const enrolled = await request.post("/api/v1/agents/enrol", {
    headers: { Authorization: `Bearer ${token}` },
    data: { hostname, deviceId: "0b5e1f7c-3d4a-4e8b-9c2d-1a2b3c4d5e6f", agentVersion: "2.0.0", machineKey: randomBytes(32).toString("base64url") },
  });
  expect(enrolled.status()).toBe(201);
  const { deviceKey } = (await enrolled.json()) as { deviceKey: string };
  expect(deviceKey).toMatch(/^jsd_/);
  expect((await upload(request, deviceKey, hostname, "2.0.1")).status()).toBe(201);

  // The token is never shown again; its row counts the device.
  await page.reload();
  await expect(page.getByTestId("new-token-value")).toHaveCount(0);
  const tokenRow = page.getByTestId("token-row").filter({ hasText: name });
  await expect(tokenRow).toContainText(`${token.slice(0, 10)}…`);
  await expect(tokenRow.getByTestId("token-devices")).toHaveText("1");
  await expect(tokenRow.getByTestId("token-direct-uploads")).toContainText("Enrolment only");

  // Found by hostname (the search is in the URL), with how it enrolled.
  await page.getByRole("searchbox", { name: "Hostname" }).fill(hostname.toLowerCase());
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${hostname.toLowerCase()}`));
  const deviceRow = page.getByTestId("agent-device-row");
  await expect(deviceRow).toHaveCount(1);
  await expect(deviceRow).toContainText(hostname);
  await expect(deviceRow).toContainText(`via ${name}`);
  // The version of its latest upload (it enrolled as 2.0.0).
  await expect(deviceRow).toContainText("2.0.1");
  await expect(deviceRow).toContainText("Active");
  // It sent no device proof (decision 042): its registration id is labelled as not proven.
  await expect(deviceRow).toContainText("Not proven");

  await deviceRow.getByRole("button", { name: `Revoke ${hostname}` }).click();
  await deviceRow.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(deviceRow).toContainText("Revoked");
  await expect(deviceRow).toContainText("by ");
  await expect(deviceRow.getByRole("button", { name: `Allow ${hostname} to re-enrol` })).toBeVisible();
  const refused = await upload(request, deviceKey, hostname);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("device-revoked");

  await tokenRow.getByRole("button", { name: `Revoke ${name}` }).click();
  await tokenRow.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(tokenRow).toContainText("Revoked");
  const noMore = await request.post("/api/v1/agents/enrol", {
    headers: { Authorization: `Bearer ${token}` },
    data: { hostname: `${hostname}-2`, deviceId: null, agentVersion: "2.0.0", machineKey: randomBytes(32).toString("base64url") },
  });
  expect(noMore.status()).toBe(401);
  expect((await noMore.json()).error.code).toBe("revoked-token");
});

test("a token that also accepts direct uploads: an agent before version 2 uploads with it until an admin requires enrolment", async ({ page, request }) => {
  const suffix = Date.now().toString(36).toUpperCase();
  const name = `E2E direct ${suffix}`;
  const token = await createToken(page, name, { directUpload: true });
  await expect(page.getByTestId("new-token")).toContainText(`Invoke-RestMethod -Method Post -Uri http://127.0.0.1:${E2E_PORT}/api/v1/reports`);
  expect((await upload(request, token, `E2E-V1-${suffix}`)).status()).toBe(201);

  await page.reload();
  const row = page.getByTestId("token-row").filter({ hasText: name });
  await expect(row.getByTestId("token-direct-uploads")).toContainText("Allowed");
  await expect(row.getByTestId("token-direct-uploads")).toContainText("1 machine in 7 days");
  await row.getByRole("button", { name: `Require enrolment for ${name}` }).click();
  await row.getByRole("button", { name: "Confirm" }).click();
  await expect(row.getByTestId("token-direct-uploads")).toContainText("Enrolment only");

  const refused = await upload(request, token, `E2E-V1-${suffix}`);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("enrolment-required");
});

test("token name is required", async ({ page }) => {
  await page.goto("/agents");
  await page.getByLabel("Token name").fill("   ");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(inlineAlert(page)).toContainText("Give the token a name");
});

test("register another tenant here (the form Settings has too): a bad tenant id is refused inline and keeps what was typed; a good one is registered and can get a token", async ({
  page,
}) => {
  // Starts with W so it sorts after Contoso, the tenant other tests expect selected by default.
  const name = `Woodgrove Agents E2E ${Date.now().toString(36)}`;
  await page.goto("/agents");
  await page.locator("summary", { hasText: "Register another tenant" }).click();
  const form = page.getByRole("form", { name: "Register a tenant" });
  await form.getByLabel("Tenant ID").fill("contoso.onmicrosoft.com");
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByRole("button", { name: "Add tenant" }).click();
  await expect(inlineAlert(page)).toContainText("The tenant id is a GUID");
  await expect(form.getByLabel("Tenant ID")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue(name);

  await form.getByLabel("Tenant ID").fill(randomUUID());
  await form.getByRole("button", { name: "Add tenant" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Tenant registered." })).toBeVisible();
  await expect(inlineAlert(page)).toHaveCount(0);
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue(""); // ready for the next one
  await expect(
    page.getByRole("region", { name: "Create an agent token" }).getByLabel("Tenant", { exact: true }).locator("option", { hasText: name }),
  ).toHaveCount(1);
});
