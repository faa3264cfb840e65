import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import { E2E_DATABASE_URL, SESSION_COOKIE } from "./constants";

// Playwright runs from the repository root, where playwright.config.ts lives.
const root = process.cwd();
export const SCREENSHOT_DIR = join(root, "test-results/screenshots");

interface WorkerFixtures {
  /** One admin session per worker, created in the database through loginAdmin (no form clicking). */
  sessionToken: string;
}

interface TestFixtures {
  /** Signs the page's browser context in by setting the session cookie. */
  login: () => Promise<void>;
  /** Whole-page screenshot into test-results/screenshots/<name>.png. */
  snap: (page: Page, name: string) => Promise<void>;
  /**
   * Automatic: every test fails when any page of its browser context reports a Content-Security-Policy violation
   * (or a Permissions-Policy header error) in the console, so the policy proxy.ts sends is checked on every page
   * the suite visits.
   */
  policyViolations: string[];
}

/** Chromium's console messages for a blocked script, style, image, connection or frame, and for a bad Permissions-Policy. */
const POLICY_VIOLATION = /Content Security Policy|Content-Security-Policy|Permissions-Policy/i;

export const test = base.extend<TestFixtures, WorkerFixtures>({
  sessionToken: [
    async ({}, use) => {
      const out = execFileSync(process.execPath, ["--conditions=react-server", "--import", "tsx", join(root, "e2e/create-session.ts")], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" },
        encoding: "utf8",
      });
      await use((JSON.parse(out) as { token: string }).token);
    },
    { scope: "worker" },
  ],
  login: async ({ context, sessionToken, baseURL }, use) => {
    await use(async () => {
      await context.addCookies([{ name: SESSION_COOKIE, value: sessionToken, url: baseURL!, httpOnly: true, sameSite: "Lax" }]);
    });
  },
  policyViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      context.on("console", (message) => {
        if (POLICY_VIOLATION.test(message.text())) violations.push(`${message.type()} on ${message.page()?.url() ?? "?"}: ${message.text()}`);
      });
      await use(violations);
      expect(violations, "Content-Security-Policy / Permissions-Policy violations reported in the browser console").toEqual([]);
    },
    { auto: true },
  ],
  snap: async ({}, use) => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await use(async (page, name) => {
      // Grow the viewport to the page instead of fullPage stitching, so the sticky sidebar and header render
      // the way a tall screen shows them.
      const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(viewport.height, height), 8000) });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
      await page.setViewportSize(viewport);
    });
  },
});

export { expect };

/** Switches the dashboard theme with the header toggle and waits for <html> to follow. */
export async function setTheme(page: Page, theme: "light" | "dark") {
  await page.getByRole("button", { name: theme === "dark" ? "Dark theme" : "Light theme" }).click();
  await expect(page.locator("html")).toHaveClass(new RegExp(`\\b${theme}\\b`));
}

/** The page's own role=alert messages (Next.js adds an empty route announcer with the same role). */
export function inlineAlert(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}
