-- Issue 17, items 3 and 4 (docs/decisions/016-findings-by-cause-and-daily-snapshots.md).
-- The Findings page's grouped view counts a status's findings per rule, severity, cause and acknowledgement from one
-- index alone (lib/queries/find-finding-causes.ts).
-- DailySnapshot: one row per tenant per UTC day for the Overview's trends (lib/daily-snapshots). Created empty: no day
-- before the upgrade is backfilled (its state is not known).
-- CreateTable
CREATE TABLE "DailySnapshot" (
    "tenantRef" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "takenAt" DATETIME NOT NULL,
    "openFindings" INTEGER NOT NULL,
    "openBySeverity" JSONB NOT NULL,
    "openByRule" JSONB NOT NULL,
    "devicesReporting" INTEGER NOT NULL,
    "joinTypes" JSONB NOT NULL,
    "reportsPreviousDay" INTEGER NOT NULL,
    "devicesSilent" INTEGER NOT NULL,
    "silentAfterDays" INTEGER NOT NULL,
    "syncEnabled" BOOLEAN NOT NULL,
    "lastSyncStatus" TEXT,
    "lastSyncAt" DATETIME,
    "lastSyncSuccessAt" DATETIME,
    "syncFailures24h" INTEGER NOT NULL,

    PRIMARY KEY ("tenantRef", "day"),
    CONSTRAINT "DailySnapshot_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Finding_tenantRef_status_rule_idx" ON "Finding"("tenantRef", "status", "rule", "severity", "explainedBy", "acknowledgedAt");
