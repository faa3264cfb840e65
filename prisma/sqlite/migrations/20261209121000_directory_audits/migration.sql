-- CreateTable
CREATE TABLE "DirectoryAudit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "auditId" TEXT NOT NULL,
    "activityDateTime" DATETIME NOT NULL,
    "activity" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "result" TEXT,
    "initiatedBy" TEXT,
    "targetObjectId" TEXT,
    "targetName" TEXT,
    "detail" JSONB,
    CONSTRAINT "DirectoryAudit_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DirectoryAuditPull" (
    "tenantRef" TEXT NOT NULL PRIMARY KEY,
    "pulledThrough" DATETIME,
    "windowFrom" DATETIME,
    "windowTo" DATETIME,
    "resumeLink" TEXT,
    "status" TEXT,
    "message" TEXT,
    "lastRunAt" DATETIME,
    "lastSuccessAt" DATETIME,
    CONSTRAINT "DirectoryAuditPull_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DirectoryAudit_tenantRef_targetObjectId_activityDateTime_idx" ON "DirectoryAudit"("tenantRef", "targetObjectId", "activityDateTime");

-- CreateIndex
CREATE UNIQUE INDEX "DirectoryAudit_tenantRef_auditId_key" ON "DirectoryAudit"("tenantRef", "auditId");

