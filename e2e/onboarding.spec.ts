import { E2E_SETTINGS_TENANT_NAME } from "./constants";
import { expect, test } from "./fixtures";

// Issue 23 item 12 on the Northwind tenant (e2e/seed.ts: registered, no reports yet): the Overview of a new install shows
// the first-run checklist with what is done, the next step, and the agent's served scripts for the Intune deployment.
test.beforeEach(async ({ login }) => {
  await login();
});

test("a tenant without reports shows the first-run checklist: what is done, what is next, and the served agent scripts", async ({ page, request }) => {
  await page.goto("/");
  await page.locator("#tenant-switcher").selectOption({ label: E2E_SETTINGS_TENANT_NAME });
  await expect(page.locator("#tenant-switcher option:checked")).toHaveText(E2E_SETTINGS_TENANT_NAME);
  const checklist = page.getByTestId("onboarding");
  await expect(checklist.getByRole("heading", { name: "Get started" })).toBeVisible();
  const steps = checklist.getByTestId("onboarding-step");
  await expect(steps).toHaveCount(6);
  expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute("data-step")))).toEqual([
    "tenant",
    "app-registration",
    "test-connection",
    "agent-token",
    "deploy-agent",
    "first-report",
  ]);
  await expect(checklist.locator('[data-step="tenant"]')).toHaveAttribute("data-done", "true");
  await expect(checklist.locator('[data-step="tenant"]')).toContainText("(done)");
  await expect(checklist.locator('[data-step="first-report"]')).toHaveAttribute("data-done", "false");
  const done = await checklist.locator('[data-done="true"]').count();
  await expect(checklist.getByTestId("onboarding-progress")).toHaveText(`${done} of 6 done`);
  // Exactly one step is marked next: the first one not done.
  await expect(checklist.getByText("(next step)")).toHaveCount(1);

  // The deploy step offers the scripts the server serves.
  const deploy = checklist.locator('[data-step="deploy-agent"]');
  for (const name of ["Invoke-JoinScopeAgent.ps1", "install.ps1", "detect.ps1", "remediation-detect.ps1"]) {
    const href = await deploy.getByRole("link", { name, exact: true }).getAttribute("href");
    const res = await request.get(href!);
    expect(res.status(), href!).toBe(200);
    expect((await res.text()).length).toBeGreaterThan(100);
  }
  await checklist.screenshot({ path: "test-results/screenshots/onboarding.png" });
});
