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

    PRIMARY KEY ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem"),
    CONSTRAINT "DeviceOsTally_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);



-- DeviceOsTally follows DeviceSummary through these triggers, in the transaction that changes a summary, whoever
-- changes it, as DeviceSummaryTally does (migration 20261208090000_device_summaries; decision 050). The facet
-- expressions must stay the same in every trigger here, in the PostgreSQL migration's function and in the backfill
-- below. A decrement only updates (a tally row exists for every row counted), so deleting a tenant, whose summaries
-- and tallies go by cascade in no set order, never inserts a tally row for it.

CREATE TRIGGER "DeviceSummary_os_tally_insert" AFTER INSERT ON "DeviceSummary" BEGIN
  INSERT INTO "DeviceOsTally" ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem", "n")
  VALUES (NEW."tenantRef", COALESCE(NEW."operatingSystem", ''), COALESCE(NEW."operatingSystemVersion", ''), unicode(substr(NEW."subjectKey", -1)) % 16, NEW."state", COALESCE(NEW."trustType", ''), (NEW."worstRank" <= 1), 1)
  ON CONFLICT ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem") DO UPDATE SET "n" = "DeviceOsTally"."n" + 1;
END;

CREATE TRIGGER "DeviceSummary_os_tally_delete" AFTER DELETE ON "DeviceSummary" BEGIN
  UPDATE "DeviceOsTally" SET "n" = "n" - 1
  WHERE "tenantRef" = OLD."tenantRef" AND "os" = COALESCE(OLD."operatingSystem", '') AND "osVersion" = COALESCE(OLD."operatingSystemVersion", '') AND "stripe" = unicode(substr(OLD."subjectKey", -1)) % 16 AND "state" = OLD."state" AND "trust" = COALESCE(OLD."trustType", '') AND "problem" = (OLD."worstRank" <= 1);
END;

-- Only when a counted facet changed: most summary writes (a report, a sign-in time) change none.
CREATE TRIGGER "DeviceSummary_os_tally_update" AFTER UPDATE ON "DeviceSummary"
WHEN (OLD."tenantRef") IS NOT (NEW."tenantRef") OR (COALESCE(OLD."operatingSystem", '')) IS NOT (COALESCE(NEW."operatingSystem", '')) OR (COALESCE(OLD."operatingSystemVersion", '')) IS NOT (COALESCE(NEW."operatingSystemVersion", '')) OR (unicode(substr(OLD."subjectKey", -1)) % 16) IS NOT (unicode(substr(NEW."subjectKey", -1)) % 16) OR (OLD."state") IS NOT (NEW."state") OR (COALESCE(OLD."trustType", '')) IS NOT (COALESCE(NEW."trustType", '')) OR ((OLD."worstRank" <= 1)) IS NOT ((NEW."worstRank" <= 1))
BEGIN
  UPDATE "DeviceOsTally" SET "n" = "n" - 1
  WHERE "tenantRef" = OLD."tenantRef" AND "os" = COALESCE(OLD."operatingSystem", '') AND "osVersion" = COALESCE(OLD."operatingSystemVersion", '') AND "stripe" = unicode(substr(OLD."subjectKey", -1)) % 16 AND "state" = OLD."state" AND "trust" = COALESCE(OLD."trustType", '') AND "problem" = (OLD."worstRank" <= 1);
  INSERT INTO "DeviceOsTally" ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem", "n")
  VALUES (NEW."tenantRef", COALESCE(NEW."operatingSystem", ''), COALESCE(NEW."operatingSystemVersion", ''), unicode(substr(NEW."subjectKey", -1)) % 16, NEW."state", COALESCE(NEW."trustType", ''), (NEW."worstRank" <= 1), 1)
  ON CONFLICT ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem") DO UPDATE SET "n" = "DeviceOsTally"."n" + 1;
END;

-- The backfill: every tenant's summaries as they are.
INSERT INTO "DeviceOsTally" ("tenantRef", "os", "osVersion", "stripe", "state", "trust", "problem", "n")
SELECT "tenantRef", COALESCE("operatingSystem", ''), COALESCE("operatingSystemVersion", ''), unicode(substr("subjectKey", -1)) % 16, "state", COALESCE("trustType", ''), ("worstRank" <= 1), COUNT(*)
FROM "DeviceSummary"
GROUP BY 1, 2, 3, 4, 5, 6, 7;
