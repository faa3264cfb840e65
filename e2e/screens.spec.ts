import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, setTheme, test } from "./fixtures";

// Not an assertion suite: screenshots of each main page (light and dark) for design review and the README.
test.beforeEach(async ({ login }) => {
  await login();
});

for (const theme of ["light", "dark"] as const) {
  test(`screenshots (${theme})`, async ({ page, snap }) => {
    // Six pages, each loaded and drawn whole: more than the default 30 s on a loaded machine.
    test.setTimeout(120_000);
    await page.goto("/");
    await setTheme(page, theme);
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    await snap(page, `overview-${theme}`);

    await page.goto("/devices?q=PC-0466");
    await page.getByTestId("device-row").first().getByRole("link", { name: "PC-0466", exact: true }).click();
    await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
    await snap(page, `device-${theme}`);

    await page.goto("/diagnose");
    await page
      .getByLabel("Paste dsregcmd /status output")
      .fill(readFileSync(join(process.cwd(), "lib/reports/fixtures/win10-21h1-hybrid-deleted.txt"), "utf8"));
    await page.getByRole("button", { name: "Diagnose", exact: true }).click();
    await expect(page.getByRole("region", { name: "Verdict" })).toBeVisible();
    await snap(page, `diagnose-${theme}`);

    await page.goto("/reports");
    await expect(page.getByTestId("report-row").first()).toBeVisible();
    await snap(page, `reports-${theme}`);

    await page.getByTestId("report-row").filter({ hasText: "PC-0466" }).first().getByRole("link", { name: "PC-0466", exact: true }).click();
    await expect(page.getByRole("heading", { name: "PC-0466", level: 1 })).toBeVisible();
    await snap(page, `report-detail-${theme}`);

    await page.goto("/agents");
    await expect(page.getByRole("heading", { name: "Agents", level: 1 })).toBeVisible();
    await snap(page, `agents-${theme}`);
  });
}
