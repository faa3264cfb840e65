-- CreateTable
CREATE TABLE "DeviceSummary" (
    "tenantRef" TEXT NOT NULL,
    "rowKey" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "objectId" TEXT,
    "deviceId" TEXT,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "deletedReason" TEXT,
    "trustType" TEXT,
    "operatingSystem" TEXT,
    "operatingSystemVersion" TEXT,
    "onPremisesSyncEnabled" BOOLEAN,
    "approximateLastSignInDateTime" DATETIME,
    "pendingSince" DATETIME,
    "reportHead" BOOLEAN NOT NULL DEFAULT false,
    "lastReportId" TEXT,
    "lastReportAt" DATETIME,
    "lastReportHostname" TEXT,
    "joinType" TEXT,
    "azureAdPrt" BOOLEAN,
    "reportRank" INTEGER NOT NULL DEFAULT 9,
    "problemReportAt" DATETIME,
    "worstRank" INTEGER NOT NULL DEFAULT 9,
    "openCount" INTEGER NOT NULL DEFAULT 0,
    "openRules" TEXT,
    "primaryRule" TEXT,

    PRIMARY KEY ("tenantRef", "rowKey"),
    CONSTRAINT "DeviceSummary_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DeviceSummaryTally" (
    "tenantRef" TEXT NOT NULL,
    "stripe" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "trust" TEXT NOT NULL,
    "problem" BOOLEAN NOT NULL,
    "head" BOOLEAN NOT NULL,
    "joinType" TEXT NOT NULL,
    "headDevice" BOOLEAN NOT NULL,
    "headProblem" BOOLEAN NOT NULL,
    "headNoPrt" BOOLEAN NOT NULL,
    "n" INTEGER NOT NULL,

    PRIMARY KEY ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt"),
    CONSTRAINT "DeviceSummaryTally_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReportTally" (
    "tenantRef" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "reports" INTEGER NOT NULL,

    PRIMARY KEY ("tenantRef", "period", "shard"),
    CONSTRAINT "ReportTally_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Tenant" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "deltaLinkAt" DATETIME,
    "lastFullSyncAt" DATETIME,
    "lastSyncAt" DATETIME,
    "rulesVersion" INTEGER NOT NULL DEFAULT 0,
    "findingsEvaluatedAt" DATETIME,
    "summaryVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Tenant" ("agentIntervalMinutes", "authorityHost", "certificatePem", "certificateThumbprint", "clientId", "cloud", "createdAt", "credentialCiphertext", "credentialType", "deltaLink", "deltaLinkAt", "findingsEvaluatedAt", "graphBaseUrl", "id", "lastFullSyncAt", "lastSyncAt", "name", "redactUserNames", "rulesVersion", "staleThresholdDays", "syncEnabled", "syncScope", "tenantId", "updatedAt") SELECT "agentIntervalMinutes", "authorityHost", "certificatePem", "certificateThumbprint", "clientId", "cloud", "createdAt", "credentialCiphertext", "credentialType", "deltaLink", "deltaLinkAt", "findingsEvaluatedAt", "graphBaseUrl", "id", "lastFullSyncAt", "lastSyncAt", "name", "redactUserNames", "rulesVersion", "staleThresholdDays", "syncEnabled", "syncScope", "tenantId", "updatedAt" FROM "Tenant";
DROP TABLE "Tenant";
ALTER TABLE "new_Tenant" RENAME TO "Tenant";
CREATE UNIQUE INDEX "Tenant_tenantId_key" ON "Tenant"("tenantId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_subjectKey_idx" ON "DeviceSummary"("tenantRef", "subjectKey");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_nameKey_rowKey_idx" ON "DeviceSummary"("tenantRef", "nameKey", "rowKey");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_worstRank_openCount_nameKey_rowKey_idx" ON "DeviceSummary"("tenantRef", "worstRank", "openCount" DESC, "nameKey", "rowKey");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_openCount_worstRank_nameKey_rowKey_idx" ON "DeviceSummary"("tenantRef", "openCount" DESC, "worstRank", "nameKey", "rowKey");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_lastReportAt_nameKey_rowKey_idx" ON "DeviceSummary"("tenantRef", "lastReportAt" DESC, "nameKey", "rowKey");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_problemReportAt_idx" ON "DeviceSummary"("tenantRef", "problemReportAt");


-- The Devices list's and the Overview's counts (DeviceSummaryTally) follow DeviceSummary through these triggers, in the
-- transaction that changes a summary, whoever changes it (lib/device-summary, docs/decisions/012-device-summaries.md).
-- The facet expressions must stay the same in every trigger here and in the PostgreSQL migration's function. A
-- decrement only updates (a tally row exists for every row counted), so deleting a tenant, whose summaries and
-- tallies go by cascade in no set order, never inserts a tally row for it.

CREATE TRIGGER "DeviceSummary_tally_insert" AFTER INSERT ON "DeviceSummary" BEGIN
  INSERT INTO "DeviceSummaryTally" ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt", "n")
  VALUES (NEW."tenantRef", unicode(substr(NEW."subjectKey", -1)) % 16, NEW."state", COALESCE(NEW."trustType", ''), NEW."worstRank" <= 1, COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE), CASE WHEN COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) THEN COALESCE(NEW."joinType", '') ELSE '' END, COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."deviceId" IS NOT NULL, FALSE), COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."reportRank" <= 1, FALSE), COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."azureAdPrt" = FALSE AND NEW."joinType" IN ('hybrid', 'entra'), FALSE), 1)
  ON CONFLICT ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt") DO UPDATE SET "n" = "DeviceSummaryTally"."n" + 1;
END;

CREATE TRIGGER "DeviceSummary_tally_delete" AFTER DELETE ON "DeviceSummary" BEGIN
  UPDATE "DeviceSummaryTally" SET "n" = "n" - 1 WHERE "tenantRef" = OLD."tenantRef" AND "stripe" = unicode(substr(OLD."subjectKey", -1)) % 16 AND "state" = OLD."state" AND "trust" = COALESCE(OLD."trustType", '') AND "problem" = OLD."worstRank" <= 1 AND "head" = COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND "joinType" = CASE WHEN COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) THEN COALESCE(OLD."joinType", '') ELSE '' END AND "headDevice" = COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."deviceId" IS NOT NULL, FALSE) AND "headProblem" = COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."reportRank" <= 1, FALSE) AND "headNoPrt" = COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."azureAdPrt" = FALSE AND OLD."joinType" IN ('hybrid', 'entra'), FALSE);
END;

CREATE TRIGGER "DeviceSummary_tally_update" AFTER UPDATE ON "DeviceSummary"
WHEN OLD."tenantRef" IS NOT NEW."tenantRef" OR (unicode(substr(OLD."subjectKey", -1)) % 16) IS NOT (unicode(substr(NEW."subjectKey", -1)) % 16) OR (OLD."state") IS NOT (NEW."state") OR (COALESCE(OLD."trustType", '')) IS NOT (COALESCE(NEW."trustType", '')) OR (OLD."worstRank" <= 1) IS NOT (NEW."worstRank" <= 1) OR (COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE)) IS NOT (COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE)) OR (CASE WHEN COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) THEN COALESCE(OLD."joinType", '') ELSE '' END) IS NOT (CASE WHEN COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) THEN COALESCE(NEW."joinType", '') ELSE '' END) OR (COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."deviceId" IS NOT NULL, FALSE)) IS NOT (COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."deviceId" IS NOT NULL, FALSE)) OR (COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."reportRank" <= 1, FALSE)) IS NOT (COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."reportRank" <= 1, FALSE)) OR (COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."azureAdPrt" = FALSE AND OLD."joinType" IN ('hybrid', 'entra'), FALSE)) IS NOT (COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."azureAdPrt" = FALSE AND NEW."joinType" IN ('hybrid', 'entra'), FALSE))
BEGIN
  UPDATE "DeviceSummaryTally" SET "n" = "n" - 1 WHERE "tenantRef" = OLD."tenantRef" AND "stripe" = unicode(substr(OLD."subjectKey", -1)) % 16 AND "state" = OLD."state" AND "trust" = COALESCE(OLD."trustType", '') AND "problem" = OLD."worstRank" <= 1 AND "head" = COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND "joinType" = CASE WHEN COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) THEN COALESCE(OLD."joinType", '') ELSE '' END AND "headDevice" = COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."deviceId" IS NOT NULL, FALSE) AND "headProblem" = COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."reportRank" <= 1, FALSE) AND "headNoPrt" = COALESCE(COALESCE(OLD."reportHead" AND OLD."lastReportAt" IS NOT NULL, FALSE) AND OLD."azureAdPrt" = FALSE AND OLD."joinType" IN ('hybrid', 'entra'), FALSE);
  INSERT INTO "DeviceSummaryTally" ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt", "n")
  VALUES (NEW."tenantRef", unicode(substr(NEW."subjectKey", -1)) % 16, NEW."state", COALESCE(NEW."trustType", ''), NEW."worstRank" <= 1, COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE), CASE WHEN COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) THEN COALESCE(NEW."joinType", '') ELSE '' END, COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."deviceId" IS NOT NULL, FALSE), COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."reportRank" <= 1, FALSE), COALESCE(COALESCE(NEW."reportHead" AND NEW."lastReportAt" IS NOT NULL, FALSE) AND NEW."azureAdPrt" = FALSE AND NEW."joinType" IN ('hybrid', 'entra'), FALSE), 1)
  ON CONFLICT ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt") DO UPDATE SET "n" = "DeviceSummaryTally"."n" + 1;
END;
