-- Decision 042: an enrolment can prove its Entra ID device identity by signing with the device certificate.
ALTER TABLE "AgentDevice" ADD COLUMN "provenDeviceId" TEXT;
ALTER TABLE "AgentDevice" ADD COLUMN "proofThumbprint" TEXT;
ALTER TABLE "AgentDevice" ADD COLUMN "proofVerifiedAt" DATETIME;

-- CreateIndex
CREATE INDEX "AgentDevice_tenantRef_provenDeviceId_idx" ON "AgentDevice"("tenantRef", "provenDeviceId");
