-- Decision 042: an enrolment can prove its Entra ID device identity by signing with the device certificate.
ALTER TABLE "AgentDevice" ADD COLUMN     "provenDeviceId" TEXT,
ADD COLUMN     "proofThumbprint" TEXT,
ADD COLUMN     "proofVerifiedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "AgentDevice_tenantRef_provenDeviceId_idx" ON "AgentDevice"("tenantRef", "provenDeviceId");
