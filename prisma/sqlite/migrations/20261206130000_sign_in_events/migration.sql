-- CreateTable
CREATE TABLE "SignInEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "signInId" TEXT NOT NULL,
    "createdDateTime" DATETIME NOT NULL,
    "userPrincipalName" TEXT,
    "userDisplayName" TEXT,
    "appDisplayName" TEXT,
    "clientAppUsed" TEXT,
    "browser" TEXT,
    "operatingSystem" TEXT,
    "errorCode" INTEGER NOT NULL,
    "conditionalAccessStatus" TEXT,
    "deviceId" TEXT,
    "deviceDisplayName" TEXT,
    "trustType" TEXT,
    "machineDeviceId" TEXT,
    "machineHostname" TEXT,
    "linkedBy" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "causeLabel" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "findings" TEXT NOT NULL,
    "signIn" TEXT NOT NULL,
    "evaluatedAt" DATETIME NOT NULL,
    CONSTRAINT "SignInEvent_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInDaily" (
    "tenantRef" TEXT NOT NULL,
    "day" DATETIME NOT NULL,
    "cause" TEXT NOT NULL,
    "causeLabel" TEXT NOT NULL,
    "appDisplayName" TEXT NOT NULL,
    "signIns" INTEGER NOT NULL,

    PRIMARY KEY ("tenantRef", "day", "cause", "causeLabel", "appDisplayName"),
    CONSTRAINT "SignInDaily_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInCauseDevice" (
    "tenantRef" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "causeLabel" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "lastAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantRef", "cause", "causeLabel", "deviceId"),
    CONSTRAINT "SignInCauseDevice_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInCauseUser" (
    "tenantRef" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "causeLabel" TEXT NOT NULL,
    "userPrincipalName" TEXT NOT NULL,
    "lastAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantRef", "cause", "causeLabel", "userPrincipalName"),
    CONSTRAINT "SignInCauseUser_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInPull" (
    "tenantRef" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'never',
    "message" TEXT,
    "pulledThrough" DATETIME,
    "windowFrom" DATETIME,
    "windowTo" DATETIME,
    "query" TEXT,
    "resumeLink" TEXT,
    "lastRunAt" DATETIME,
    "lastSuccessAt" DATETIME,
    "lastSeen" INTEGER NOT NULL DEFAULT 0,
    "lastStored" INTEGER NOT NULL DEFAULT 0,
    "throttledWaits" INTEGER NOT NULL DEFAULT 0,
    "reportsIndexedThrough" DATETIME,
    CONSTRAINT "SignInPull_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReportUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "reportRef" TEXT NOT NULL,
    "userPrincipalName" TEXT NOT NULL,
    "deviceId" TEXT,
    "hostname" TEXT NOT NULL,
    "capturedAt" DATETIME NOT NULL,
    CONSTRAINT "ReportUser_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInLease" (
    "tenantRef" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SignInEvent_tenantRef_createdDateTime_idx" ON "SignInEvent"("tenantRef", "createdDateTime");

-- CreateIndex
CREATE INDEX "SignInEvent_tenantRef_cause_createdDateTime_idx" ON "SignInEvent"("tenantRef", "cause", "createdDateTime");

-- CreateIndex
CREATE INDEX "SignInEvent_tenantRef_userPrincipalName_createdDateTime_idx" ON "SignInEvent"("tenantRef", "userPrincipalName", "createdDateTime");

-- CreateIndex
CREATE INDEX "SignInEvent_tenantRef_machineDeviceId_createdDateTime_idx" ON "SignInEvent"("tenantRef", "machineDeviceId", "createdDateTime");

-- CreateIndex
CREATE INDEX "SignInEvent_tenantRef_deviceId_createdDateTime_idx" ON "SignInEvent"("tenantRef", "deviceId", "createdDateTime");

-- CreateIndex
CREATE INDEX "SignInEvent_tenantRef_appDisplayName_createdDateTime_idx" ON "SignInEvent"("tenantRef", "appDisplayName", "createdDateTime");

-- CreateIndex
CREATE UNIQUE INDEX "SignInEvent_tenantRef_signInId_key" ON "SignInEvent"("tenantRef", "signInId");

-- CreateIndex
CREATE INDEX "SignInCauseDevice_tenantRef_lastAt_idx" ON "SignInCauseDevice"("tenantRef", "lastAt");

-- CreateIndex
CREATE INDEX "SignInCauseUser_tenantRef_lastAt_idx" ON "SignInCauseUser"("tenantRef", "lastAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReportUser_reportRef_key" ON "ReportUser"("reportRef");

-- CreateIndex
CREATE INDEX "ReportUser_tenantRef_userPrincipalName_capturedAt_idx" ON "ReportUser"("tenantRef", "userPrincipalName", "capturedAt");

