import type { Page } from "@playwright/test";
import { E2E_SIGNINS_TENANT_NAME } from "./constants";
import { expect, setTheme, test } from "./fixtures";

// The simulator's demo tenant for sign-ins (e2e/simulator.ts "Litware"): synced, its machines' reports uploaded and
// its sign-in log pulled by e2e/seed.ts, so the blocked sign-ins are joined with devices and explained.
test.beforeEach(async ({ login, page }) => {
  await login();
  await page.goto("/signins");
  await page.locator("#tenant-switcher").selectOption({ label: E2E_SIGNINS_TENANT_NAME });
  await expect(page.locator("#tenant-switcher option:checked")).toHaveText(E2E_SIGNINS_TENANT_NAME);
  // The switch is a server action: wait for the page drawn for the chosen tenant, not the one before it.
  await expect(page.getByText(`Sign-ins to ${E2E_SIGNINS_TENANT_NAME}`, { exact: false })).toBeVisible();
});

async function causesOnPage(page: Page): Promise<string[]> {
  return page.getByTestId("sign-in-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-cause") ?? ""));
}

test("the Sign-ins view groups blocked sign-ins by cause, filters by cause and by user in the URL, and opens a device", async ({ page }) => {
  test.setTimeout(60_000);
  await expect(page.getByRole("heading", { name: "Sign-ins", level: 1 })).toBeVisible();
  // exact: the page's "Older sign-ins →" link matches "Sign-ins" too.
  await expect(page.getByRole("link", { name: "Sign-ins", exact: true })).toHaveAttribute("aria-current", "page");
  const headline = page.getByTestId("sign-in-headline");
  await expect(headline).toContainText(/^This week: [\d,]+ blocked sign-ins?\./);
  const causeRows = page.getByTestId("sign-in-cause");
  expect(await causeRows.count()).toBeGreaterThanOrEqual(2);
  // A bar per day of the week, and the days' totals add up to the headline's.
  await expect(page.getByTestId("sign-in-day")).toHaveCount(7);
  const total = Number((await headline.textContent())!.match(/: ([\d,]+) blocked/)![1]!.replace(/,/g, ""));
  const dayTotals = await page.getByTestId("sign-in-day").evaluateAll((days) => days.map((d) => Number(d.getAttribute("data-total"))));
  expect(dayTotals.reduce((a, b) => a + b, 0)).toBe(total);
  await expect(page.getByTestId("sign-in-row").first()).toBeVisible();

  // Filter by the second cause through the form: the URL carries it, every row and the table show only that cause.
  const cause = (await causeRows.nth(1).getAttribute("data-cause"))!;
  await page.locator("#cause").selectOption(cause);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]cause=${cause}(&|$)`));
  expect(new Set(await causesOnPage(page))).toEqual(new Set([cause]));
  expect(new Set(await causeRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-cause"))))).toEqual(new Set([cause]));
  await page.reload();
  await expect(page.locator("#cause")).toHaveValue(cause);
  expect(new Set(await causesOnPage(page))).toEqual(new Set([cause]));

  // The explanation of an event: its rule's title, evidence and fix.
  const first = page.getByTestId("sign-in-row").first();
  await first.locator("summary").click();
  await expect(first.getByTestId("sign-in-finding").first()).toHaveAttribute("data-rule", cause);
  await expect(first.getByText("Fix", { exact: true })).toBeVisible();

  // Then by user (typed in capitals: matched case-insensitively), on top of the cause; the user's machines are listed.
  await page.getByRole("link", { name: "Reset" }).click();
  await expect(page).toHaveURL(/\/signins$/);
  await expect(page.locator("#cause")).toHaveValue("");
  // A user whose sign-in was joined with a machine known by its DeviceId.
  const user = (await page
    .getByTestId("sign-in-row")
    .filter({ has: page.locator('[data-testid="sign-in-device-link"][href^="/devices/d%3A"]') })
    .first()
    .getAttribute("data-user"))!;
  await page.locator("#user").fill(user.toUpperCase());
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]user=${encodeURIComponent(user).replace(/\./g, "\\.")}`, "i"));
  await expect(page.getByRole("heading", { name: `Machines involved in ${user}'s blocked sign-ins` })).toBeVisible();
  expect(await page.getByTestId("sign-in-machine").count()).toBeGreaterThanOrEqual(1);
  expect(new Set(await page.getByTestId("sign-in-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-user"))))).toEqual(new Set([user]));
  await page.reload();
  await expect(page.locator("#user")).toHaveValue(user);
  await expect(page.getByTestId("sign-in-machine").first()).toBeVisible();

  // Open the device an event was joined with: its page lists its blocked sign-ins.
  // A machine known by its DeviceId ("d:" subject): its page has the blocked sign-ins section.
  const link = page.locator('[data-testid="sign-in-device-link"][href^="/devices/d%3A"]').first();
  const name = (await link.textContent())!.trim();
  await link.click();
  await expect(page).toHaveURL(/\/devices\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(new RegExp(name, "i"));
  await expect(page.getByTestId("device-sign-ins").getByTestId("sign-in-row").first()).toBeVisible();
});

test("a bad filter value falls back instead of failing the page, and the screenshot for the README", async ({ page, snap }) => {
  await page.goto("/signins?period=year&cause=nonsense&device=not-a-guid");
  await expect(page.getByRole("heading", { name: "Sign-ins", level: 1 })).toBeVisible();
  await expect(page.getByTestId("sign-in-headline")).toContainText("This week:");
  await expect(page.locator("#cause")).toHaveValue("");

  await page.goto("/signins");
  await setTheme(page, "light");
  await expect(page.getByTestId("sign-in-row").first()).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/signins.png", fullPage: false });
  await snap(page, "signins-light");
  await setTheme(page, "dark");
  await snap(page, "signins-dark");
});
