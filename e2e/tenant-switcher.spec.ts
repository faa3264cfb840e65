import { E2E_SYNC_TENANT_NAME, E2E_TENANT } from "./constants";
import { expect, test } from "./fixtures";

test.beforeEach(async ({ login }) => {
  await login();
});

// Regression: after switching, React 19 reset the form and the <select> showed the old tenant again
// while the page already showed the new one.
test("the tenant switcher shows the tenant the page shows, after switching and back", async ({ page }) => {
  await page.goto("/");
  const select = page.getByLabel("Tenant", { exact: true });
  await select.selectOption({ label: E2E_SYNC_TENANT_NAME });
  await expect(page.getByText(`for ${E2E_SYNC_TENANT_NAME}`, { exact: false })).toBeVisible();
  await expect(select.locator("option:checked")).toHaveText(E2E_SYNC_TENANT_NAME);

  await select.selectOption({ label: E2E_TENANT.name });
  await expect(page.getByText(`for ${E2E_TENANT.name}.`, { exact: false })).toBeVisible();
  await expect(select.locator("option:checked")).toHaveText(E2E_TENANT.name);
});
