import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { E2E_SIMULATOR_FILE, E2E_SYNC_TENANT_NAME, E2E_TENANT, type E2eSimulatorInfo } from "./constants";
import { expect, setTheme, test } from "./fixtures";

test.beforeEach(async ({ login }) => {
  await login();
});

async function selectTenant(page: Page, name: string) {
  await page.locator("#tenant-switcher").selectOption({ label: name });
  await expect(page.locator("#tenant-switcher option:checked")).toHaveText(name);
}

test("Sync now on the simulator tenant: the run appears, progresses and succeeds with devices added", async ({ page, snap }) => {
  // The simulator's tenant (e2e/simulator.ts), seeded with its app registration by e2e/seed.ts.
  const sim = JSON.parse(readFileSync(join(process.cwd(), E2E_SIMULATOR_FILE), "utf8")) as E2eSimulatorInfo;
  test.setTimeout(90_000);
  await page.goto("/sync");
  await selectTenant(page, E2E_SYNC_TENANT_NAME);
  await expect(page.getByRole("heading", { name: "Sync", level: 1 })).toBeVisible();
  const status = page.getByTestId("sync-status");
  await expect(status).toContainText("Next scheduled sync");
  await expect(status).toContainText("Scheduler off"); // the e2e server sets JOINSCOPE_SYNC_INTERVAL_MINUTES=0

  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Sync (started|finished)/ })).toBeVisible();

  // A fresh e2e database has no run yet, so this one is the first full sync: every device is new.
  const run = page.getByTestId("sync-run-row").first();
  await expect(run).toBeVisible();
  await expect(run).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(run.getByTestId("sync-run-status")).toHaveText("Succeeded");
  await expect(run).toContainText("full");
  await expect(run).toContainText("manual");
  await expect.poll(async () => Number((await run.getByTestId("devices-added").textContent())!.replace(/[^\d]/g, ""))).toBeGreaterThan(0);
  expect(Number((await run.getByTestId("devices-added").textContent())!.replace(/[^\d]/g, ""))).toBeLessThanOrEqual(sim.sync.devices);
  await expect(page.getByTestId("live-run")).toHaveCount(0);
  await expect(status).not.toContainText("Never");
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();

  await page.reload(); // a fresh render: no transient status line, the header's tenant switcher shows this tenant
  for (const theme of ["light", "dark"] as const) {
    await setTheme(page, theme);
    await snap(page, `sync-${theme}`);
  }

  // A second sync is a delta from the stored token.
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect.poll(async () => page.getByTestId("sync-run-row").count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  const second = page.getByTestId("sync-run-row").first();
  await expect(second).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await expect(second).toContainText("delta");
});

test("a tenant without an app registration shows the way to Settings", async ({ page }) => {
  await page.goto("/sync");
  await selectTenant(page, E2E_TENANT.name);
  await expect(page.getByRole("heading", { name: `Connect ${E2E_TENANT.name} to Microsoft Graph` })).toBeVisible();
  await page.getByRole("link", { name: "Add the app registration" }).click();
  await expect(page).toHaveURL(/\/settings\?tenant=[0-9a-f-]{36}/);
  await expect(page.getByRole("heading", { name: "App registration" })).toBeVisible();
});

test("the sync-runs API answers 401 JSON without a dashboard session", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const response = await anonymous.get("/api/v1/sync-runs?tenant=00000000-0000-4000-8000-000000000000");
  expect(response.status()).toBe(401);
  expect((await response.json()).error.code).toBe("unauthenticated");
  await anonymous.dispose();
});
