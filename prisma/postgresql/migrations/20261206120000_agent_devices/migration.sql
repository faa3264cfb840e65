-- AlterTable
ALTER TABLE "DeviceReport" ADD COLUMN     "agentDeviceRef" TEXT;

-- AlterTable
ALTER TABLE "AgentToken" ADD COLUMN     "allowsDirectUpload" BOOLEAN NOT NULL DEFAULT false;

-- Tokens from before decision 011 keep uploading directly (agents of version 1), new secrets default to enrolment only.
UPDATE "AgentToken" SET "allowsDirectUpload" = true;

-- CreateTable
CREATE TABLE "AgentDevice" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "enrolledViaTokenRef" TEXT,
    "hostname" TEXT NOT NULL,
    "deviceId" TEXT,
    "machineKeyHash" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "keyPrefix" TEXT NOT NULL,
    "previousKeyHash" TEXT,
    "previousKeyExpiresAt" TIMESTAMP(3),
    "keyIssuedAt" TIMESTAMP(3) NOT NULL,
    "rotateRequestedAt" TIMESTAMP(3),
    "rotateRequestedBy" TEXT,
    "enrolledAt" TIMESTAMP(3) NOT NULL,
    "lastEnrolledAt" TIMESTAMP(3) NOT NULL,
    "enrolledFromAddress" TEXT,
    "lastSeenAt" TIMESTAMP(3),
    "agentVersion" TEXT,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    "reEnrolAllowedAt" TIMESTAMP(3),
    "reEnrolAllowedBy" TEXT,

    CONSTRAINT "AgentDevice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AgentDevice_keyHash_key" ON "AgentDevice"("keyHash");

-- CreateIndex
CREATE UNIQUE INDEX "AgentDevice_previousKeyHash_key" ON "AgentDevice"("previousKeyHash");

-- CreateIndex
CREATE INDEX "AgentDevice_tenantRef_hostname_idx" ON "AgentDevice"("tenantRef", "hostname");

-- CreateIndex
CREATE INDEX "AgentDevice_tenantRef_lastSeenAt_idx" ON "AgentDevice"("tenantRef", "lastSeenAt");

-- CreateIndex
CREATE INDEX "AgentDevice_enrolledViaTokenRef_idx" ON "AgentDevice"("enrolledViaTokenRef");

-- CreateIndex
CREATE UNIQUE INDEX "AgentDevice_tenantRef_machineKeyHash_key" ON "AgentDevice"("tenantRef", "machineKeyHash");

-- CreateIndex
CREATE INDEX "DeviceReport_agentTokenRef_receivedAt_idx" ON "DeviceReport"("agentTokenRef", "receivedAt");

-- CreateIndex
CREATE INDEX "DeviceReport_agentDeviceRef_receivedAt_idx" ON "DeviceReport"("agentDeviceRef", "receivedAt");

-- AddForeignKey
ALTER TABLE "DeviceReport" ADD CONSTRAINT "DeviceReport_agentDeviceRef_fkey" FOREIGN KEY ("agentDeviceRef") REFERENCES "AgentDevice"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentDevice" ADD CONSTRAINT "AgentDevice_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentDevice" ADD CONSTRAINT "AgentDevice_enrolledViaTokenRef_fkey" FOREIGN KEY ("enrolledViaTokenRef") REFERENCES "AgentToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;

