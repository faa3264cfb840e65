import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { E2E_DATABASE_URL, E2E_TENANT } from "./constants";
import { expect, test } from "./fixtures";

// Issue 23 item 9 on e2e/seed.ts's Contoso tenant: LT-2231 (an Entra joined laptop whose user's PRT failed with a wrong
// password: prt-missing) is acknowledged until Friday with a ticket, undone, acknowledged again, and reopened by the
// first findings pass after Friday. Each action is one timeline entry.
test.beforeEach(async ({ login }) => {
  await login();
});

/** One findings pass over LT-2231 at `at`, as the scheduler would run after its next upload. */
function passAt(at: Date): { ackExpired: number } {
  const out = execFileSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", join(process.cwd(), "e2e/run-findings-pass.ts"), E2E_TENANT.tenantId, "LT-2231", at.toISOString()],
    {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" },
      encoding: "utf8",
    },
  );
  return JSON.parse(out) as { ackExpired: number };
}

test("acknowledge until Friday with a ticket, undo, and the first pass after Friday reopens the finding; one timeline entry per action", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/devices?q=LT-2231");
  await page.getByTestId("device-row").getByRole("link", { name: "LT-2231" }).click();
  await expect(page.getByRole("heading", { name: "LT-2231", level: 1 })).toBeVisible();
  const card = page.locator('[data-testid="open-finding"][data-rule="prt-missing"]');
  const entries = page.getByTestId("timeline-entry");
  const form = card.getByRole("form", { name: "Acknowledge prt-missing" });

  // A ticket with characters a reference never holds is refused in words, nothing stored.
  await form.getByLabel("Acknowledge with a comment").fill("Password reset booked with the user");
  await form.getByLabel("Ticket (optional)").fill("CHG<1>");
  await form.getByRole("button", { name: "Acknowledge" }).click();
  await expect(form.getByRole("alert")).toContainText("A ticket reference holds letters, digits");
  await expect(card.getByTestId("acknowledgement")).toHaveCount(0);

  // "Until Friday" in one click; the card says until which day.
  await form.getByLabel("Ticket (optional)").fill("INC-4711");
  await form.getByRole("button", { name: "Fri" }).click();
  const friday = await form.getByLabel("Until (optional)").inputValue();
  expect(new Date(`${friday}T00:00:00Z`).getUTCDay()).toBe(5);
  await form.getByRole("button", { name: "Acknowledge" }).click();
  const ack = card.getByTestId("acknowledgement");
  await expect(ack).toContainText("Password reset booked with the user (INC-4711)");
  await expect(ack.getByTestId("ack-until")).toContainText(
    `until ${new Date(`${friday}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })}`,
  );
  const acknowledged = entries.filter({ hasText: "Finding acknowledged: No Primary Refresh Token (prt-missing) by e2e-admin@joinscope.test" });
  await expect(acknowledged).toHaveCount(1);
  await expect(acknowledged).toContainText(`until ${friday}`);
  // One entry for the action: the audit log has it too, but the timeline does not repeat it.
  await expect(entries.filter({ hasText: "Audit: finding.acknowledge" })).toHaveCount(0);

  // Undo: the form is back, and the timeline names who undid it.
  await ack.getByRole("button", { name: "Undo acknowledgement" }).click();
  await expect(card.getByTestId("acknowledgement")).toHaveCount(0);
  await expect(form).toBeVisible();
  await expect(entries.filter({ hasText: "Acknowledgement undone: No Primary Refresh Token (prt-missing) by e2e-admin@joinscope.test" })).toHaveCount(1);
  await expect(entries.filter({ hasText: "Audit: finding.unacknowledge" })).toHaveCount(0);

  // Again until Friday; a pass on Friday keeps it, the first pass after Friday reopens the finding.
  await form.getByLabel("Acknowledge with a comment").fill("Password reset booked again");
  await form.getByRole("button", { name: "Fri" }).click();
  await form.getByRole("button", { name: "Acknowledge" }).click();
  await expect(card.getByTestId("acknowledgement")).toContainText("Password reset booked again");
  expect(passAt(new Date(`${friday}T22:00:00Z`)).ackExpired).toBe(0);
  expect(passAt(new Date(new Date(`${friday}T00:00:00Z`).getTime() + 25 * 3_600_000)).ackExpired).toBe(1);
  await page.reload();
  await expect(card.getByTestId("acknowledgement")).toHaveCount(0);
  await expect(card.getByRole("form", { name: "Acknowledge prt-missing" })).toBeVisible();
  const expired = entries.filter({ hasText: "Acknowledgement expired, finding open again: No Primary Refresh Token (prt-missing)" });
  await expect(expired).toHaveCount(1);
  await expired.locator("summary").click();
  await expect(expired).toContainText("e2e-admin@joinscope.test's acknowledgement expired (Password reset booked again): the finding is open again");
  await expect(entries.filter({ hasText: "Finding acknowledged: No Primary Refresh Token (prt-missing)" })).toHaveCount(2);
});
