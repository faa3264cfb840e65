import { expect, setTheme, test } from "./fixtures";

// The README's screenshots (issue 23, "Done means"), rewritten in docs/screenshots by every browser run so they stay
// current: the Overview's cause breakdown, a device page whose cause comes first (PC-0466, its object disabled), and
// the weekly review, light and dark. `npx playwright test e2e/readme-screenshots.spec.ts` after `npx next build`
// takes them alone (docs/testing.md).
test.beforeEach(async ({ login }) => {
  await login();
});

for (const theme of ["light", "dark"] as const) {
  test(`README screenshots (${theme})`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/");
    await setTheme(page, theme);
    await expect(page.getByTestId("broken-devices")).toBeVisible();
    await expect(page.getByTestId("broken-cause").first()).toBeVisible();
    await page.getByTestId("broken-devices").screenshot({ path: `docs/screenshots/overview-causes-${theme}.png` });

    await page.goto("/devices?q=PC-0466");
    await page.getByTestId("device-row").first().getByRole("link", { name: "PC-0466", exact: true }).click();
    await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
    await expect(page.getByTestId("ca-outlook")).toContainText("Cause: Device object disabled");
    // The top of the page: the banner, the cause's card with its three steps, the symptoms folded under it.
    await page.screenshot({ path: `docs/screenshots/device-${theme}.png`, fullPage: false });

    await page.goto("/review");
    await expect(page.getByTestId("review-trend")).toHaveAttribute("data-drawn", "true");
    await page.screenshot({ path: `docs/screenshots/review-${theme}.png`, fullPage: false });
  });
}
