import { E2E_SIGNINS_TENANT_NAME, E2E_TENANT } from "./constants";
import { expect, test } from "./fixtures";

// Issue 23 item 10. The Litware tenant (e2e/simulator.ts) is synced from the simulator and its directory audit log
// pulled by the seed: a disabled device's timeline says who disabled it. Contoso (the commercial cloud) links a device
// out to the Entra admin center, Intune and its user's sign-in log.
test.beforeEach(async ({ login }) => {
  await login();
});

test("a disabled device's timeline says who disabled it, from Entra's directory audit log", async ({ page }) => {
  await page.goto("/devices");
  await page.locator("#tenant-switcher").selectOption({ label: E2E_SIGNINS_TENANT_NAME });
  // The choice is stored in a cookie by a server action: wait for the page drawn for Litware before leaving it (the
  // select's own state changes at once; navigating then could still load another tenant's list, as a CI run did).
  await expect(page.getByText(`Every device of ${E2E_SIGNINS_TENANT_NAME}`)).toBeVisible();
  await page.goto("/devices?state=disabled");
  const row = page.getByTestId("device-row").first();
  const name = (await row.getByRole("link").first().innerText()).trim();
  await row.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const entry = page.getByTestId("timeline-entry").filter({ hasText: /Disable device by \S+@\S+ \(Entra audit log\)/ });
  await expect(entry).toHaveCount(1);
  await expect(entry).toHaveAttribute("data-kind", "directory-audit");
  await entry.locator("summary").click();
  await expect(entry).toContainText("AccountEnabled");
  await expect(entry).toContainText("[true] → [false]");
  // A custom (simulated) cloud has no admin center to link to.
  await expect(page.getByTestId("portal-links")).toHaveCount(0);
});

test("a device links out to its Entra admin center blade, Intune and its user's sign-in log", async ({ page }) => {
  await page.goto(`/devices/${encodeURIComponent("d:74df6508-0658-4bb8-a70f-6f79c11fb95c")}`);
  await page.locator("#tenant-switcher").selectOption({ label: E2E_TENANT.name });
  await page.goto(`/devices/${encodeURIComponent("d:74df6508-0658-4bb8-a70f-6f79c11fb95c")}`);
  await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
  const links = page.getByTestId("portal-links");
  await expect(links.getByRole("link", { name: /Entra admin center/ })).toHaveAttribute(
    "href",
    `https://entra.microsoft.com/${E2E_TENANT.tenantId}/#view/Microsoft_AAD_Devices/DeviceDetailsMenuBlade/~/Properties/objectId/6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02/deviceId/74df6508-0658-4bb8-a70f-6f79c11fb95c`,
  );
  await expect(links.getByRole("link", { name: /Intune devices/ })).toHaveAttribute(
    "href",
    `https://intune.microsoft.com/${E2E_TENANT.tenantId}/#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/mDMDevicesPreview`,
  );
  const signIns = links.getByRole("link", { name: /sign-in log/ });
  await expect(signIns).toHaveAttribute(
    "href",
    new RegExp(`^https://entra\\.microsoft\\.com/${E2E_TENANT.tenantId}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/SignIns/userId/[^/]+%40`),
  );
  for (const link of await links.getByRole("link").all()) {
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
  }
});
