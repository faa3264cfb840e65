-- DropIndex
DROP INDEX "Finding_tenantRef_status_severity_idx";

-- AlterTable
ALTER TABLE "Finding" ADD COLUMN     "explainedBy" TEXT,
ADD COLUMN     "isPrimary" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rankSeverity" TEXT NOT NULL DEFAULT 'info';

-- CreateIndex
CREATE INDEX "Finding_tenantRef_status_rankSeverity_idx" ON "Finding"("tenantRef", "status", "rankSeverity");


-- Existing findings rank by their own severity until the next findings pass (RULES_VERSION 3) writes every flag.
UPDATE "Finding" SET "rankSeverity" = "severity";
