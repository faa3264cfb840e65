-- Issue 20 items 3 and 6 (decision 027): per-tenant access limits for users and Entra groups, the groups of an Entra
-- account's last sign-in, and the Audit page's filter indexes. No limit exists after this migration: every user still
-- sees every tenant, as before.
ALTER TABLE "AdminUser" ADD COLUMN "entraGroups" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "AccessLimit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "updatedBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AccessLimitTenant" (
    "limitRef" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,

    PRIMARY KEY ("limitRef", "tenantRef"),
    CONSTRAINT "AccessLimitTenant_limitRef_fkey" FOREIGN KEY ("limitRef") REFERENCES "AccessLimit" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AccessLimit_kind_principal_key" ON "AccessLimit"("kind", "principal");

-- CreateIndex
CREATE INDEX "AccessLimitTenant_tenantRef_idx" ON "AccessLimitTenant"("tenantRef");

-- CreateIndex
CREATE INDEX "AuditLog_actor_at_idx" ON "AuditLog"("actor", "at");

-- CreateIndex
CREATE INDEX "AuditLog_action_at_idx" ON "AuditLog"("action", "at");
