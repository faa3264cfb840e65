import { expect, setTheme, test } from "./fixtures";

test.beforeEach(async ({ login }) => {
  await login();
});

test("dark mode toggle applies at once and survives a reload without a flash", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  await expect(page.locator("html")).toHaveClass(/theme-system/);
  const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  await setTheme(page, "dark");
  const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(darkBg).not.toBe(lightBg);
  await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "true");

  // The server renders the class from the cookie: it is in the HTML before any script runs.
  const html = await (await page.request.get("/")).text();
  expect(html).toMatch(/<html[^>]*class="dark"/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  expect(await page.evaluate(() => localStorage.getItem("joinscope_theme"))).toBe("dark");

  // "System" follows prefers-color-scheme.
  await page.getByRole("button", { name: "System theme" }).click();
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(darkBg);
  await page.emulateMedia({ colorScheme: "light" });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(lightBg);
});
