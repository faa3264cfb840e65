-- CreateTable
CREATE TABLE "SignInCauseDay" (
    "tenantRef" TEXT NOT NULL,
    "day" DATETIME NOT NULL,
    "cause" TEXT NOT NULL,
    "causeLabel" TEXT NOT NULL,
    "devices" INTEGER NOT NULL,
    "users" INTEGER NOT NULL,

    PRIMARY KEY ("tenantRef", "day", "cause", "causeLabel"),
    CONSTRAINT "SignInCauseDay_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);


-- The devices and users each cause hit, per UTC day of their latest sign-in of it (docs/decisions/047): the Sign-ins
-- view sums a few rows per day instead of counting every device's and user's row since the period's first day. Filled
-- from the rows already there, then kept by these triggers in the transaction that changes SignInCauseDevice or
-- SignInCauseUser, whoever changes them (the pull's upserts, a join again's delete and insert, the retention). The day
-- expression must stay the same in every trigger and the fill: the text of lastAt as it is stored (ISO 8601, UTC), cut to
-- its day. A decrement only updates (a day row exists for every row counted), so deleting a tenant, whose rows go by
-- cascade in no set order, never inserts a day row for it; a day left at zero stays until the retention drops its day.
INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
SELECT "tenantRef", substr("lastAt", 1, 10) || 'T00:00:00.000+00:00', "cause", "causeLabel", SUM("d"), SUM("u") FROM (
  SELECT "tenantRef", "lastAt", "cause", "causeLabel", 1 AS "d", 0 AS "u" FROM "SignInCauseDevice"
  UNION ALL
  SELECT "tenantRef", "lastAt", "cause", "causeLabel", 0 AS "d", 1 AS "u" FROM "SignInCauseUser"
) GROUP BY 1, 2, 3, 4;

CREATE TRIGGER "SignInCauseDevice_day_insert" AFTER INSERT ON "SignInCauseDevice" BEGIN
  INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
  VALUES (NEW."tenantRef", substr(NEW."lastAt", 1, 10) || 'T00:00:00.000+00:00', NEW."cause", NEW."causeLabel", 1, 0)
  ON CONFLICT ("tenantRef", "day", "cause", "causeLabel") DO UPDATE SET "devices" = "SignInCauseDay"."devices" + 1;
END;

CREATE TRIGGER "SignInCauseDevice_day_delete" AFTER DELETE ON "SignInCauseDevice" BEGIN
  UPDATE "SignInCauseDay" SET "devices" = "devices" - 1
  WHERE "tenantRef" = OLD."tenantRef" AND "day" = substr(OLD."lastAt", 1, 10) || 'T00:00:00.000+00:00' AND "cause" = OLD."cause" AND "causeLabel" = OLD."causeLabel";
END;

CREATE TRIGGER "SignInCauseDevice_day_update" AFTER UPDATE ON "SignInCauseDevice"
WHEN OLD."tenantRef" IS NOT NEW."tenantRef" OR OLD."cause" IS NOT NEW."cause" OR OLD."causeLabel" IS NOT NEW."causeLabel" OR substr(OLD."lastAt", 1, 10) IS NOT substr(NEW."lastAt", 1, 10)
BEGIN
  UPDATE "SignInCauseDay" SET "devices" = "devices" - 1
  WHERE "tenantRef" = OLD."tenantRef" AND "day" = substr(OLD."lastAt", 1, 10) || 'T00:00:00.000+00:00' AND "cause" = OLD."cause" AND "causeLabel" = OLD."causeLabel";
  INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
  VALUES (NEW."tenantRef", substr(NEW."lastAt", 1, 10) || 'T00:00:00.000+00:00', NEW."cause", NEW."causeLabel", 1, 0)
  ON CONFLICT ("tenantRef", "day", "cause", "causeLabel") DO UPDATE SET "devices" = "SignInCauseDay"."devices" + 1;
END;

CREATE TRIGGER "SignInCauseUser_day_insert" AFTER INSERT ON "SignInCauseUser" BEGIN
  INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
  VALUES (NEW."tenantRef", substr(NEW."lastAt", 1, 10) || 'T00:00:00.000+00:00', NEW."cause", NEW."causeLabel", 0, 1)
  ON CONFLICT ("tenantRef", "day", "cause", "causeLabel") DO UPDATE SET "users" = "SignInCauseDay"."users" + 1;
END;

CREATE TRIGGER "SignInCauseUser_day_delete" AFTER DELETE ON "SignInCauseUser" BEGIN
  UPDATE "SignInCauseDay" SET "users" = "users" - 1
  WHERE "tenantRef" = OLD."tenantRef" AND "day" = substr(OLD."lastAt", 1, 10) || 'T00:00:00.000+00:00' AND "cause" = OLD."cause" AND "causeLabel" = OLD."causeLabel";
END;

CREATE TRIGGER "SignInCauseUser_day_update" AFTER UPDATE ON "SignInCauseUser"
WHEN OLD."tenantRef" IS NOT NEW."tenantRef" OR OLD."cause" IS NOT NEW."cause" OR OLD."causeLabel" IS NOT NEW."causeLabel" OR substr(OLD."lastAt", 1, 10) IS NOT substr(NEW."lastAt", 1, 10)
BEGIN
  UPDATE "SignInCauseDay" SET "users" = "users" - 1
  WHERE "tenantRef" = OLD."tenantRef" AND "day" = substr(OLD."lastAt", 1, 10) || 'T00:00:00.000+00:00' AND "cause" = OLD."cause" AND "causeLabel" = OLD."causeLabel";
  INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
  VALUES (NEW."tenantRef", substr(NEW."lastAt", 1, 10) || 'T00:00:00.000+00:00', NEW."cause", NEW."causeLabel", 0, 1)
  ON CONFLICT ("tenantRef", "day", "cause", "causeLabel") DO UPDATE SET "users" = "SignInCauseDay"."users" + 1;
END;
