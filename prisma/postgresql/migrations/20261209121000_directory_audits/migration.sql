-- CreateTable
CREATE TABLE "DirectoryAudit" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "auditId" TEXT NOT NULL,
    "activityDateTime" TIMESTAMP(3) NOT NULL,
    "activity" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "result" TEXT,
    "initiatedBy" TEXT,
    "targetObjectId" TEXT,
    "targetName" TEXT,
    "detail" JSONB,

    CONSTRAINT "DirectoryAudit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DirectoryAuditPull" (
    "tenantRef" TEXT NOT NULL,
    "pulledThrough" TIMESTAMP(3),
    "windowFrom" TIMESTAMP(3),
    "windowTo" TIMESTAMP(3),
    "resumeLink" TEXT,
    "status" TEXT,
    "message" TEXT,
    "lastRunAt" TIMESTAMP(3),
    "lastSuccessAt" TIMESTAMP(3),

    CONSTRAINT "DirectoryAuditPull_pkey" PRIMARY KEY ("tenantRef")
);

-- CreateIndex
CREATE INDEX "DirectoryAudit_tenantRef_targetObjectId_activityDateTime_idx" ON "DirectoryAudit"("tenantRef", "targetObjectId", "activityDateTime");

-- CreateIndex
CREATE UNIQUE INDEX "DirectoryAudit_tenantRef_auditId_key" ON "DirectoryAudit"("tenantRef", "auditId");

-- AddForeignKey
ALTER TABLE "DirectoryAudit" ADD CONSTRAINT "DirectoryAudit_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DirectoryAuditPull" ADD CONSTRAINT "DirectoryAuditPull_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

