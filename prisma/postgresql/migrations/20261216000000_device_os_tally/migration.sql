-- CreateTable
CREATE TABLE "DeviceOsTally" (
    "tenantRef" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "osVersion" TEXT NOT NULL,
    "stripe" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "trust" TEXT NOT NULL,
    "problem" BOOLEAN NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "DeviceOsTally_pkey" PRIMARY KEY ("tenantRef","os","osVersion","stripe","state","trust","problem")
);

-- AddForeignKey
ALTER TABLE "DeviceOsTally" ADD CONSTRAINT "DeviceOsTally_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- DeviceOsTally follows DeviceSummary through these triggers, in the transaction that changes a summary, whoever
-- changes it, as DeviceSummaryTally does (migration 20261208090000_device_summaries; decision 050): statement-level with
-- transition tables, one tally write per statement and tally row. The facet expressions must stay the same here, in
-- the SQLite migration's triggers and in the backfill below. A decrement only updates, so deleting a tenant (cascades
-- in no set order) never inserts a tally row for it. An update that changes no counted facet writes nothing.
CREATE FUNCTION "device_os_tally"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "DeviceOsTally" ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem", "n")
    SELECT "tenantRef", COALESCE("operatingSystem", ''), COALESCE("operatingSystemVersion", ''), ascii(right("subjectKey", 1)) % 16, "state", COALESCE("trustType", ''), "worstRank" <= 1, COUNT(*) FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem") DO UPDATE SET "n" = "DeviceOsTally"."n" + excluded."n";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "DeviceOsTally" t SET "n" = t."n" - o."n"
    FROM (SELECT "tenantRef" AS "tenantRef", COALESCE("operatingSystem", '') AS "os", COALESCE("operatingSystemVersion", '') AS "osVersion", ascii(right("subjectKey", 1)) % 16 AS "stripe", "state" AS "state", COALESCE("trustType", '') AS "trust", "worstRank" <= 1 AS "problem", COUNT(*) AS "n" FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7) o
    WHERE t."tenantRef" = o."tenantRef" AND t."os" = o."os" AND t."osVersion" = o."osVersion" AND t."stripe" = o."stripe" AND t."state" = o."state" AND t."trust" = o."trust" AND t."problem" = o."problem";
  ELSE
    INSERT INTO "DeviceOsTally" ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem", "n")
    SELECT "tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem", SUM("delta") FROM (
      SELECT "tenantRef" AS "tenantRef", COALESCE("operatingSystem", '') AS "os", COALESCE("operatingSystemVersion", '') AS "osVersion", ascii(right("subjectKey", 1)) % 16 AS "stripe", "state" AS "state", COALESCE("trustType", '') AS "trust", "worstRank" <= 1 AS "problem", -1 AS "delta" FROM old_rows
      UNION ALL
      SELECT "tenantRef" AS "tenantRef", COALESCE("operatingSystem", '') AS "os", COALESCE("operatingSystemVersion", '') AS "osVersion", ascii(right("subjectKey", 1)) % 16 AS "stripe", "state" AS "state", COALESCE("trustType", '') AS "trust", "worstRank" <= 1 AS "problem", 1 AS "delta" FROM new_rows
    ) d GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM("delta") <> 0
    ON CONFLICT ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem") DO UPDATE SET "n" = "DeviceOsTally"."n" + excluded."n";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "DeviceSummary_os_tally_insert" AFTER INSERT ON "DeviceSummary"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "device_os_tally"();
CREATE TRIGGER "DeviceSummary_os_tally_update" AFTER UPDATE ON "DeviceSummary"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "device_os_tally"();
CREATE TRIGGER "DeviceSummary_os_tally_delete" AFTER DELETE ON "DeviceSummary"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "device_os_tally"();

-- The backfill: every tenant's summaries as they are.
INSERT INTO "DeviceOsTally" ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem", "n")
SELECT "tenantRef", COALESCE("operatingSystem", ''), COALESCE("operatingSystemVersion", ''), ascii(right("subjectKey", 1)) % 16, "state", COALESCE("trustType", ''), "worstRank" <= 1, COUNT(*) FROM "DeviceSummary" GROUP BY 1, 2, 3, 4, 5, 6, 7;
