-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cloud" TEXT NOT NULL DEFAULT 'global',
    "authorityHost" TEXT,
    "graphBaseUrl" TEXT,
    "clientId" TEXT,
    "credentialType" TEXT,
    "credentialCiphertext" TEXT,
    "certificateThumbprint" TEXT,
    "certificatePem" TEXT,
    "syncScope" JSONB,
    "staleThresholdDays" INTEGER NOT NULL DEFAULT 90,
    "agentIntervalMinutes" INTEGER NOT NULL DEFAULT 240,
    "redactUserNames" BOOLEAN NOT NULL DEFAULT false,
    "syncEnabled" BOOLEAN NOT NULL DEFAULT true,
    "deltaLink" TEXT,
    "deltaLinkAt" TIMESTAMP(3),
    "lastFullSyncAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "rulesVersion" INTEGER NOT NULL DEFAULT 0,
    "findingsEvaluatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DirectoryDevice" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "deviceId" TEXT,
    "displayName" TEXT,
    "accountEnabled" BOOLEAN,
    "trustType" TEXT,
    "profileType" TEXT,
    "registrationDateTime" TIMESTAMP(3),
    "approximateLastSignInDateTime" TIMESTAMP(3),
    "createdDateTime" TIMESTAMP(3),
    "operatingSystem" TEXT,
    "operatingSystemVersion" TEXT,
    "isCompliant" BOOLEAN,
    "isManaged" BOOLEAN,
    "mdmAppId" TEXT,
    "onPremisesSyncEnabled" BOOLEAN,
    "onPremisesLastSyncDateTime" TIMESTAMP(3),
    "physicalIds" JSONB,
    "alternativeSecurityIds" JSONB,
    "thumbprint" TEXT,
    "hardwareId" TEXT,
    "isPending" BOOLEAN NOT NULL DEFAULT false,
    "hasBitlockerKeys" BOOLEAN,
    "hasLapsPassword" BOOLEAN,
    "deletedAt" TIMESTAMP(3),
    "deletedReason" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "raw" JSONB NOT NULL,
    "rawHash" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DirectoryDevice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceReport" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "agentTokenRef" TEXT,
    "source" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "deviceId" TEXT,
    "capturedAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
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

    CONSTRAINT "DeviceReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentEvent" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "reportRef" TEXT NOT NULL,
    "deviceId" TEXT,
    "eventId" INTEGER NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "level" TEXT NOT NULL,
    "task" TEXT,
    "log" TEXT,
    "message" TEXT NOT NULL,

    CONSTRAINT "AgentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentToken" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AgentToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Finding" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "deviceId" TEXT,
    "objectId" TEXT,
    "hostname" TEXT,
    "rule" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "explanation" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "remediation" JSONB NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,
    "ackComment" TEXT,

    CONSTRAINT "Finding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FindingEvent" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "findingRef" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT,
    "detail" TEXT,

    CONSTRAINT "FindingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "pages" INTEGER NOT NULL DEFAULT 0,
    "devicesSeen" INTEGER NOT NULL DEFAULT 0,
    "devicesAdded" INTEGER NOT NULL DEFAULT 0,
    "devicesChanged" INTEGER NOT NULL DEFAULT 0,
    "devicesDeleted" INTEGER NOT NULL DEFAULT 0,
    "throttledWaits" INTEGER NOT NULL DEFAULT 0,
    "throttledMs" INTEGER NOT NULL DEFAULT 0,
    "fallbackReason" TEXT,
    "error" TEXT,
    "resumeLink" TEXT,
    "pendingDeltaLink" TEXT,
    "warnings" JSONB,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLease" (
    "tenantRef" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncLease_pkey" PRIMARY KEY ("tenantRef")
);

-- CreateTable
CREATE TABLE "DirectoryChange" (
    "id" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "deviceId" TEXT,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "syncRunRef" TEXT,
    "detail" JSONB,

    CONSTRAINT "DirectoryChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminUser" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoginAt" TIMESTAMP(3),

    CONSTRAINT "AdminUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" TEXT NOT NULL,
    "userRef" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "tenantRef" TEXT,
    "target" TEXT,
    "detail" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_tenantId_key" ON "Tenant"("tenantId");

-- CreateIndex
CREATE INDEX "DirectoryDevice_tenantRef_deviceId_idx" ON "DirectoryDevice"("tenantRef", "deviceId");

-- CreateIndex
CREATE INDEX "DirectoryDevice_tenantRef_displayName_idx" ON "DirectoryDevice"("tenantRef", "displayName");

-- CreateIndex
CREATE INDEX "DirectoryDevice_tenantRef_hardwareId_idx" ON "DirectoryDevice"("tenantRef", "hardwareId");

-- CreateIndex
CREATE INDEX "DirectoryDevice_tenantRef_deletedAt_idx" ON "DirectoryDevice"("tenantRef", "deletedAt");

-- CreateIndex
CREATE INDEX "DirectoryDevice_tenantRef_updatedAt_idx" ON "DirectoryDevice"("tenantRef", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DirectoryDevice_tenantRef_objectId_key" ON "DirectoryDevice"("tenantRef", "objectId");

-- CreateIndex
CREATE INDEX "DeviceReport_tenantRef_deviceId_capturedAt_idx" ON "DeviceReport"("tenantRef", "deviceId", "capturedAt");

-- CreateIndex
CREATE INDEX "DeviceReport_tenantRef_hostname_idx" ON "DeviceReport"("tenantRef", "hostname");

-- CreateIndex
CREATE INDEX "DeviceReport_tenantRef_receivedAt_idx" ON "DeviceReport"("tenantRef", "receivedAt");

-- CreateIndex
CREATE INDEX "DeviceReport_tenantRef_worstSeverityRank_idx" ON "DeviceReport"("tenantRef", "worstSeverityRank");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceReport_tenantRef_contentHash_key" ON "DeviceReport"("tenantRef", "contentHash");

-- CreateIndex
CREATE INDEX "AgentEvent_reportRef_idx" ON "AgentEvent"("reportRef");

-- CreateIndex
CREATE INDEX "AgentEvent_tenantRef_deviceId_time_idx" ON "AgentEvent"("tenantRef", "deviceId", "time");

-- CreateIndex
CREATE UNIQUE INDEX "AgentToken_tokenHash_key" ON "AgentToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AgentToken_tenantRef_revokedAt_idx" ON "AgentToken"("tenantRef", "revokedAt");

-- CreateIndex
CREATE INDEX "Finding_tenantRef_status_severity_idx" ON "Finding"("tenantRef", "status", "severity");

-- CreateIndex
CREATE INDEX "Finding_tenantRef_rule_status_idx" ON "Finding"("tenantRef", "rule", "status");

-- CreateIndex
CREATE INDEX "Finding_tenantRef_deviceId_idx" ON "Finding"("tenantRef", "deviceId");

-- CreateIndex
CREATE UNIQUE INDEX "Finding_tenantRef_subjectKey_rule_key" ON "Finding"("tenantRef", "subjectKey", "rule");

-- CreateIndex
CREATE INDEX "FindingEvent_tenantRef_at_idx" ON "FindingEvent"("tenantRef", "at");

-- CreateIndex
CREATE INDEX "FindingEvent_findingRef_idx" ON "FindingEvent"("findingRef");

-- CreateIndex
CREATE INDEX "FindingEvent_tenantRef_subjectKey_at_idx" ON "FindingEvent"("tenantRef", "subjectKey", "at");

-- CreateIndex
CREATE INDEX "SyncRun_tenantRef_startedAt_idx" ON "SyncRun"("tenantRef", "startedAt");

-- CreateIndex
CREATE INDEX "SyncRun_status_idx" ON "SyncRun"("status");

-- CreateIndex
CREATE INDEX "DirectoryChange_tenantRef_deviceId_at_idx" ON "DirectoryChange"("tenantRef", "deviceId", "at");

-- CreateIndex
CREATE INDEX "DirectoryChange_tenantRef_objectId_at_idx" ON "DirectoryChange"("tenantRef", "objectId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_email_key" ON "AdminUser"("email");

-- CreateIndex
CREATE UNIQUE INDEX "AdminSession_tokenHash_key" ON "AdminSession"("tokenHash");

-- CreateIndex
CREATE INDEX "AdminSession_userRef_idx" ON "AdminSession"("userRef");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "AuditLog_tenantRef_at_idx" ON "AuditLog"("tenantRef", "at");

-- AddForeignKey
ALTER TABLE "DirectoryDevice" ADD CONSTRAINT "DirectoryDevice_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceReport" ADD CONSTRAINT "DeviceReport_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceReport" ADD CONSTRAINT "DeviceReport_agentTokenRef_fkey" FOREIGN KEY ("agentTokenRef") REFERENCES "AgentToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentEvent" ADD CONSTRAINT "AgentEvent_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentEvent" ADD CONSTRAINT "AgentEvent_reportRef_fkey" FOREIGN KEY ("reportRef") REFERENCES "DeviceReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentToken" ADD CONSTRAINT "AgentToken_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FindingEvent" ADD CONSTRAINT "FindingEvent_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FindingEvent" ADD CONSTRAINT "FindingEvent_findingRef_fkey" FOREIGN KEY ("findingRef") REFERENCES "Finding"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DirectoryChange" ADD CONSTRAINT "DirectoryChange_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdminSession" ADD CONSTRAINT "AdminSession_userRef_fkey" FOREIGN KEY ("userRef") REFERENCES "AdminUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;

