-- Issue 23 item 2: one definition of a broken device (lib/rules/broken-device.ts), kept on the device summaries: what
-- Conditional Access makes of the device ("now", "next" or NULL) and the rule of the finding that causes it. The columns
-- start empty; SUMMARY_VERSION 2 rebuilds every tenant's summaries once, which fills them.
ALTER TABLE "DeviceSummary" ADD COLUMN "outlook" TEXT;

ALTER TABLE "DeviceSummary" ADD COLUMN "cause" TEXT;

CREATE INDEX "DeviceSummary_outlook_idx" ON "DeviceSummary"("tenantRef", "outlook", "cause", "nameKey", "rowKey");

-- The Devices list's Cause column sorts by it (ties by name), as every other column (decision 015).
CREATE INDEX "DeviceSummary_cause_sort_idx" ON "DeviceSummary"("tenantRef", "cause", "nameKey", "rowKey");
