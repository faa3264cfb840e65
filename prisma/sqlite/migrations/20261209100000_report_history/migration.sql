-- Report history that stays small (issue 18, decision 013): a report is a run of uploads that said the same, its
-- texts compressed; retention settings per tenant. Existing reports are compacted in place afterwards, resumably, by
-- lib/reports/compact-history.ts (the scheduler's lease), not here: this migration only adds columns.
ALTER TABLE "Tenant" ADD COLUMN "retentionChangeDays" INTEGER NOT NULL DEFAULT 400;
ALTER TABLE "Tenant" ADD COLUMN "retentionTextChanges" INTEGER NOT NULL DEFAULT 5;
ALTER TABLE "Tenant" ADD COLUMN "keepEveryUpload" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "DeviceReport" ADD COLUMN "textZ" BLOB;
ALTER TABLE "DeviceReport" ADD COLUMN "systemTextZ" BLOB;
ALTER TABLE "DeviceReport" ADD COLUMN "firstCapturedAt" DATETIME;
ALTER TABLE "DeviceReport" ADD COLUMN "uploadCount" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "DeviceReport" ADD COLUMN "stateHash" TEXT;

-- CreateTable
CREATE TABLE "ReportAlias" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "reportRef" TEXT NOT NULL,
    "capturedAt" DATETIME NOT NULL,
    CONSTRAINT "ReportAlias_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ReportAlias_reportRef_idx" ON "ReportAlias"("reportRef");

-- CreateIndex
CREATE INDEX "ReportAlias_tenantRef_idx" ON "ReportAlias"("tenantRef");
