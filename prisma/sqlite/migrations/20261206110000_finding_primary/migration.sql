-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Finding" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "isPrimary" BOOLEAN NOT NULL DEFAULT false,
    "explainedBy" TEXT,
    "rankSeverity" TEXT NOT NULL DEFAULT 'info',
    "status" TEXT NOT NULL DEFAULT 'open',
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "resolvedAt" DATETIME,
    "acknowledgedAt" DATETIME,
    "acknowledgedBy" TEXT,
    "ackComment" TEXT,
    CONSTRAINT "Finding_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Finding" ("ackComment", "acknowledgedAt", "acknowledgedBy", "deviceId", "evidence", "explanation", "fingerprint", "firstSeenAt", "hostname", "id", "lastSeenAt", "objectId", "remediation", "resolvedAt", "rule", "severity", "status", "subjectKey", "tenantRef", "title") SELECT "ackComment", "acknowledgedAt", "acknowledgedBy", "deviceId", "evidence", "explanation", "fingerprint", "firstSeenAt", "hostname", "id", "lastSeenAt", "objectId", "remediation", "resolvedAt", "rule", "severity", "status", "subjectKey", "tenantRef", "title" FROM "Finding";
DROP TABLE "Finding";
ALTER TABLE "new_Finding" RENAME TO "Finding";
CREATE INDEX "Finding_tenantRef_status_rankSeverity_idx" ON "Finding"("tenantRef", "status", "rankSeverity");
CREATE INDEX "Finding_tenantRef_rule_status_idx" ON "Finding"("tenantRef", "rule", "status");
CREATE INDEX "Finding_tenantRef_deviceId_idx" ON "Finding"("tenantRef", "deviceId");
CREATE UNIQUE INDEX "Finding_tenantRef_subjectKey_rule_key" ON "Finding"("tenantRef", "subjectKey", "rule");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Existing findings rank by their own severity until the next findings pass (RULES_VERSION 3) writes every flag.
UPDATE "Finding" SET "rankSeverity" = "severity";
