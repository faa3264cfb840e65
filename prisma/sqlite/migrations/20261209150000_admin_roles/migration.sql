-- Issue 20: roles (decision 022). Every account that exists before this migration could do everything, so each one
-- becomes an Admin; accounts created by Sign in with Microsoft take their role from the ID token instead.
ALTER TABLE "AdminUser" ADD COLUMN "role" TEXT;
ALTER TABLE "AdminUser" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'local';
ALTER TABLE "AdminUser" ADD COLUMN "entraTenantId" TEXT;
ALTER TABLE "AdminUser" ADD COLUMN "entraObjectId" TEXT;
UPDATE "AdminUser" SET "role" = 'Admin';

CREATE UNIQUE INDEX "AdminUser_entraTenantId_entraObjectId_key" ON "AdminUser"("entraTenantId", "entraObjectId");
