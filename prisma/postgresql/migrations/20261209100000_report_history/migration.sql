-- Report history that stays small (issue 18, decision 013): a report is a run of uploads that said the same, its
-- texts compressed; retention settings per tenant. Existing reports are compacted in place afterwards, resumably, by
-- lib/reports/compact-history.ts (the scheduler's lease), not here: this migration only adds columns.
ALTER TABLE "Tenant" ADD COLUMN "retentionChangeDays" INTEGER NOT NULL DEFAULT 400,
ADD COLUMN "retentionTextChanges" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN "keepEveryUpload" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "DeviceReport" ADD COLUMN "textZ" BYTEA,
ADD COLUMN "systemTextZ" BYTEA,
ADD COLUMN "firstCapturedAt" TIMESTAMP(3),
ADD COLUMN "uploadCount" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "stateHash" TEXT;

-- CreateTable
CREATE TABLE "ReportAlias" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "reportRef" TEXT NOT NULL,
    "capturedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReportAlias_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportAlias_reportRef_idx" ON "ReportAlias"("reportRef");

-- CreateIndex
CREATE INDEX "ReportAlias_tenantRef_idx" ON "ReportAlias"("tenantRef");

-- AddForeignKey
ALTER TABLE "ReportAlias" ADD CONSTRAINT "ReportAlias_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
