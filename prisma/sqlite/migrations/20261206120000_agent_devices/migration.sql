-- CreateTable
CREATE TABLE "AgentDevice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "enrolledViaTokenRef" TEXT,
    "hostname" TEXT NOT NULL,
    "deviceId" TEXT,
    "machineKeyHash" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "keyPrefix" TEXT NOT NULL,
    "previousKeyHash" TEXT,
    "previousKeyExpiresAt" DATETIME,
    "keyIssuedAt" DATETIME NOT NULL,
    "rotateRequestedAt" DATETIME,
    "rotateRequestedBy" TEXT,
    "enrolledAt" DATETIME NOT NULL,
    "lastEnrolledAt" DATETIME NOT NULL,
    "enrolledFromAddress" TEXT,
    "lastSeenAt" DATETIME,
    "agentVersion" TEXT,
    "revokedAt" DATETIME,
    "revokedBy" TEXT,
    "reEnrolAllowedAt" DATETIME,
    "reEnrolAllowedBy" TEXT,
    CONSTRAINT "AgentDevice_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AgentDevice_enrolledViaTokenRef_fkey" FOREIGN KEY ("enrolledViaTokenRef") REFERENCES "AgentToken" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DeviceReport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "agentTokenRef" TEXT,
    "agentDeviceRef" TEXT,
    "source" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "deviceId" TEXT,
    "capturedAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "agentVersion" TEXT,
    "joinType" TEXT NOT NULL,
    "azureAdPrt" BOOLEAN,
    "deviceAuthStatus" TEXT,
    "thumbprint" TEXT,
    "reportedTenantId" TEXT,
    "computerDn" TEXT,
    "objectGuid" TEXT,
    "osBuild" TEXT,
    "contentHash" TEXT NOT NULL,
    "parsed" TEXT NOT NULL,
    "dsregcmdText" TEXT NOT NULL,
    "systemParsed" TEXT,
    "systemText" TEXT,
    "findingsSnapshot" TEXT,
    "worstSeverityRank" INTEGER NOT NULL DEFAULT 9,
    CONSTRAINT "DeviceReport_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DeviceReport_agentTokenRef_fkey" FOREIGN KEY ("agentTokenRef") REFERENCES "AgentToken" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "DeviceReport_agentDeviceRef_fkey" FOREIGN KEY ("agentDeviceRef") REFERENCES "AgentDevice" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_DeviceReport" ("agentTokenRef", "agentVersion", "azureAdPrt", "capturedAt", "computerDn", "contentHash", "deviceAuthStatus", "deviceId", "dsregcmdText", "findingsSnapshot", "hostname", "id", "joinType", "objectGuid", "osBuild", "parsed", "receivedAt", "reportedTenantId", "source", "systemParsed", "systemText", "tenantRef", "thumbprint", "worstSeverityRank") SELECT "agentTokenRef", "agentVersion", "azureAdPrt", "capturedAt", "computerDn", "contentHash", "deviceAuthStatus", "deviceId", "dsregcmdText", "findingsSnapshot", "hostname", "id", "joinType", "objectGuid", "osBuild", "parsed", "receivedAt", "reportedTenantId", "source", "systemParsed", "systemText", "tenantRef", "thumbprint", "worstSeverityRank" FROM "DeviceReport";
DROP TABLE "DeviceReport";
ALTER TABLE "new_DeviceReport" RENAME TO "DeviceReport";
CREATE INDEX "DeviceReport_tenantRef_deviceId_capturedAt_idx" ON "DeviceReport"("tenantRef", "deviceId", "capturedAt");
CREATE INDEX "DeviceReport_tenantRef_hostname_idx" ON "DeviceReport"("tenantRef", "hostname");
CREATE INDEX "DeviceReport_tenantRef_receivedAt_idx" ON "DeviceReport"("tenantRef", "receivedAt");
CREATE INDEX "DeviceReport_tenantRef_worstSeverityRank_idx" ON "DeviceReport"("tenantRef", "worstSeverityRank");
CREATE INDEX "DeviceReport_agentTokenRef_receivedAt_idx" ON "DeviceReport"("agentTokenRef", "receivedAt");
CREATE INDEX "DeviceReport_agentDeviceRef_receivedAt_idx" ON "DeviceReport"("agentDeviceRef", "receivedAt");
CREATE UNIQUE INDEX "DeviceReport_tenantRef_contentHash_key" ON "DeviceReport"("tenantRef", "contentHash");
CREATE TABLE "new_AgentToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "allowsDirectUpload" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "AgentToken_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AgentToken" ("createdAt", "createdBy", "id", "lastUsedAt", "name", "prefix", "revokedAt", "tenantRef", "tokenHash") SELECT "createdAt", "createdBy", "id", "lastUsedAt", "name", "prefix", "revokedAt", "tenantRef", "tokenHash" FROM "AgentToken";
DROP TABLE "AgentToken";
ALTER TABLE "new_AgentToken" RENAME TO "AgentToken";
-- Tokens from before decision 011 keep uploading directly (agents of version 1), new secrets default to enrolment only.
UPDATE "AgentToken" SET "allowsDirectUpload" = true;
CREATE UNIQUE INDEX "AgentToken_tokenHash_key" ON "AgentToken"("tokenHash");
CREATE INDEX "AgentToken_tenantRef_revokedAt_idx" ON "AgentToken"("tenantRef", "revokedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

