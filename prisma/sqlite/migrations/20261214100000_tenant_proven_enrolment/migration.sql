-- Decision 041: whether any enrolment of the tenant proved its device identity, so that uploads of tenants without one
-- skip the read of the registration ids proven enrolments hold.
ALTER TABLE "Tenant" ADD COLUMN "hasProvenEnrolment" BOOLEAN NOT NULL DEFAULT false;

-- Tenants with a proven enrolment already.
UPDATE "Tenant" SET "hasProvenEnrolment" = true WHERE EXISTS (SELECT 1 FROM "AgentDevice" d WHERE d."tenantRef" = "Tenant"."id" AND d."provenDeviceId" IS NOT NULL);
