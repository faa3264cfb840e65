-- CreateTable
CREATE TABLE "SignInCauseDay" (
    "tenantRef" TEXT NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "cause" TEXT NOT NULL,
    "causeLabel" TEXT NOT NULL,
    "devices" INTEGER NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "SignInCauseDay_pkey" PRIMARY KEY ("tenantRef","day","cause","causeLabel")
);

-- AddForeignKey
ALTER TABLE "SignInCauseDay" ADD CONSTRAINT "SignInCauseDay_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The devices and users each cause hit, per UTC day of their latest sign-in of it (docs/decisions/047): the Sign-ins
-- view sums a few rows per day instead of counting every device's and user's row since the period's first day. Filled
-- from the rows already there, then kept by these triggers in the transaction that changes SignInCauseDevice or
-- SignInCauseUser, whoever changes them (the pull's upserts, a join again's delete and insert, the retention). A
-- decrement only updates (a day row exists for every row counted), so deleting a tenant, whose rows go by cascade in no
-- set order, never inserts a day row for it; a day left at zero stays until the retention drops its day.
INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
SELECT "tenantRef", date_trunc('day', "lastAt"), "cause", "causeLabel", SUM("d"), SUM("u") FROM (
  SELECT "tenantRef", "lastAt", "cause", "causeLabel", 1 AS "d", 0 AS "u" FROM "SignInCauseDevice"
  UNION ALL
  SELECT "tenantRef", "lastAt", "cause", "causeLabel", 0 AS "d", 1 AS "u" FROM "SignInCauseUser"
) r GROUP BY 1, 2, 3, 4;

-- Statement-level triggers with transition tables, as DeviceSummaryTally's: a page's upsert of a thousand rows changes
-- each day row it touches once. The trigger's argument names the counter: 'devices' or 'users'.
CREATE FUNCTION "sign_in_cause_day"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d INT := CASE WHEN TG_ARGV[0] = 'devices' THEN 1 ELSE 0 END;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
    SELECT "tenantRef", date_trunc('day', "lastAt"), "cause", "causeLabel", COUNT(*) * d, COUNT(*) * (1 - d) FROM new_rows GROUP BY 1, 2, 3, 4
    ON CONFLICT ("tenantRef", "day", "cause", "causeLabel") DO UPDATE SET "devices" = "SignInCauseDay"."devices" + excluded."devices", "users" = "SignInCauseDay"."users" + excluded."users";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "SignInCauseDay" t SET "devices" = t."devices" - o."n" * d, "users" = t."users" - o."n" * (1 - d)
    FROM (SELECT "tenantRef", date_trunc('day', "lastAt") AS "day", "cause", "causeLabel", COUNT(*) AS "n" FROM old_rows GROUP BY 1, 2, 3, 4) o
    WHERE t."tenantRef" = o."tenantRef" AND t."day" = o."day" AND t."cause" = o."cause" AND t."causeLabel" = o."causeLabel";
  ELSE
    INSERT INTO "SignInCauseDay" ("tenantRef", "day", "cause", "causeLabel", "devices", "users")
    SELECT "tenantRef", "day", "cause", "causeLabel", SUM("delta") * d, SUM("delta") * (1 - d) FROM (
      SELECT "tenantRef", date_trunc('day', "lastAt") AS "day", "cause", "causeLabel", -1 AS "delta" FROM old_rows
      UNION ALL
      SELECT "tenantRef", date_trunc('day', "lastAt") AS "day", "cause", "causeLabel", 1 AS "delta" FROM new_rows
    ) c GROUP BY 1, 2, 3, 4 HAVING SUM("delta") <> 0
    ON CONFLICT ("tenantRef", "day", "cause", "causeLabel") DO UPDATE SET "devices" = "SignInCauseDay"."devices" + excluded."devices", "users" = "SignInCauseDay"."users" + excluded."users";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "SignInCauseDevice_day_insert" AFTER INSERT ON "SignInCauseDevice"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sign_in_cause_day"('devices');
CREATE TRIGGER "SignInCauseDevice_day_update" AFTER UPDATE ON "SignInCauseDevice"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sign_in_cause_day"('devices');
CREATE TRIGGER "SignInCauseDevice_day_delete" AFTER DELETE ON "SignInCauseDevice"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sign_in_cause_day"('devices');
CREATE TRIGGER "SignInCauseUser_day_insert" AFTER INSERT ON "SignInCauseUser"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sign_in_cause_day"('users');
CREATE TRIGGER "SignInCauseUser_day_update" AFTER UPDATE ON "SignInCauseUser"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sign_in_cause_day"('users');
CREATE TRIGGER "SignInCauseUser_day_delete" AFTER DELETE ON "SignInCauseUser"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sign_in_cause_day"('users');
