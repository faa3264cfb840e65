-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "summaryVersion" INTEGER NOT NULL DEFAULT 0;

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
    "approximateLastSignInDateTime" TIMESTAMP(3),
    "pendingSince" TIMESTAMP(3),
    "reportHead" BOOLEAN NOT NULL DEFAULT false,
    "lastReportId" TEXT,
    "lastReportAt" TIMESTAMP(3),
    "lastReportHostname" TEXT,
    "joinType" TEXT,
    "azureAdPrt" BOOLEAN,
    "reportRank" INTEGER NOT NULL DEFAULT 9,
    "problemReportAt" TIMESTAMP(3),
    "worstRank" INTEGER NOT NULL DEFAULT 9,
    "openCount" INTEGER NOT NULL DEFAULT 0,
    "openRules" TEXT,
    "primaryRule" TEXT,

    CONSTRAINT "DeviceSummary_pkey" PRIMARY KEY ("tenantRef","rowKey")
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

    CONSTRAINT "DeviceSummaryTally_pkey" PRIMARY KEY ("tenantRef","stripe","state","trust","problem","head","joinType","headDevice","headProblem","headNoPrt")
);

-- CreateTable
CREATE TABLE "ReportTally" (
    "tenantRef" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "reports" INTEGER NOT NULL,

    CONSTRAINT "ReportTally_pkey" PRIMARY KEY ("tenantRef","period","shard")
);

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

-- AddForeignKey
ALTER TABLE "DeviceSummary" ADD CONSTRAINT "DeviceSummary_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceSummaryTally" ADD CONSTRAINT "DeviceSummaryTally_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportTally" ADD CONSTRAINT "ReportTally_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The Devices list's and the Overview's counts (DeviceSummaryTally) follow DeviceSummary through these triggers, in the
-- transaction that changes a summary, whoever changes it (lib/device-summary, docs/decisions/012-device-summaries.md).
-- The facet expressions must stay the same in every trigger here and in the PostgreSQL migration's function. A
-- decrement only updates (a tally row exists for every row counted), so deleting a tenant, whose summaries and
-- tallies go by cascade in no set order, never inserts a tally row for it.

-- PostgreSQL: statement-level triggers with transition tables, so a statement that writes a thousand summaries (a sync
-- page) changes each tally row it touches once.
CREATE FUNCTION "device_summary_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "DeviceSummaryTally" ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt", "n")
    SELECT "tenantRef", ascii(right("subjectKey", 1)) % 16, "state", COALESCE("trustType", ''), "worstRank" <= 1, COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE), CASE WHEN COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) THEN COALESCE("joinType", '') ELSE '' END, COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "deviceId" IS NOT NULL, FALSE), COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "reportRank" <= 1, FALSE), COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "azureAdPrt" = FALSE AND "joinType" IN ('hybrid', 'entra'), FALSE), COUNT(*) FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt") DO UPDATE SET "n" = "DeviceSummaryTally"."n" + excluded."n";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "DeviceSummaryTally" t SET "n" = t."n" - o."n"
    FROM (SELECT "tenantRef", ascii(right("subjectKey", 1)) % 16 AS "stripe", "state" AS "state", COALESCE("trustType", '') AS "trust", "worstRank" <= 1 AS "problem", COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AS "head", CASE WHEN COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) THEN COALESCE("joinType", '') ELSE '' END AS "joinType", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "deviceId" IS NOT NULL, FALSE) AS "headDevice", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "reportRank" <= 1, FALSE) AS "headProblem", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "azureAdPrt" = FALSE AND "joinType" IN ('hybrid', 'entra'), FALSE) AS "headNoPrt", COUNT(*) AS "n" FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) o
    WHERE t."tenantRef" = o."tenantRef" AND t."stripe" = o."stripe" AND t."state" = o."state" AND t."trust" = o."trust" AND t."problem" = o."problem" AND t."head" = o."head" AND t."joinType" = o."joinType" AND t."headDevice" = o."headDevice" AND t."headProblem" = o."headProblem" AND t."headNoPrt" = o."headNoPrt";
  ELSE
    INSERT INTO "DeviceSummaryTally" ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt", "n")
    SELECT "tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt", SUM("delta") FROM (
      SELECT "tenantRef", ascii(right("subjectKey", 1)) % 16 AS "stripe", "state" AS "state", COALESCE("trustType", '') AS "trust", "worstRank" <= 1 AS "problem", COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AS "head", CASE WHEN COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) THEN COALESCE("joinType", '') ELSE '' END AS "joinType", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "deviceId" IS NOT NULL, FALSE) AS "headDevice", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "reportRank" <= 1, FALSE) AS "headProblem", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "azureAdPrt" = FALSE AND "joinType" IN ('hybrid', 'entra'), FALSE) AS "headNoPrt", -1 AS "delta" FROM old_rows
      UNION ALL
      SELECT "tenantRef", ascii(right("subjectKey", 1)) % 16 AS "stripe", "state" AS "state", COALESCE("trustType", '') AS "trust", "worstRank" <= 1 AS "problem", COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AS "head", CASE WHEN COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) THEN COALESCE("joinType", '') ELSE '' END AS "joinType", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "deviceId" IS NOT NULL, FALSE) AS "headDevice", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "reportRank" <= 1, FALSE) AS "headProblem", COALESCE(COALESCE("reportHead" AND "lastReportAt" IS NOT NULL, FALSE) AND "azureAdPrt" = FALSE AND "joinType" IN ('hybrid', 'entra'), FALSE) AS "headNoPrt", 1 AS "delta" FROM new_rows
    ) d GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 HAVING SUM("delta") <> 0
    ON CONFLICT ("tenantRef", "stripe", "state", "trust", "problem", "head", "joinType", "headDevice", "headProblem", "headNoPrt") DO UPDATE SET "n" = "DeviceSummaryTally"."n" + excluded."n";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "DeviceSummary_tally_insert" AFTER INSERT ON "DeviceSummary"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "device_summary_tally"();
CREATE TRIGGER "DeviceSummary_tally_update" AFTER UPDATE ON "DeviceSummary"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "device_summary_tally"();
CREATE TRIGGER "DeviceSummary_tally_delete" AFTER DELETE ON "DeviceSummary"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "device_summary_tally"();
