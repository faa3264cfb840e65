-- Issue 19 (the sign-ins' rest): the Sign-ins list reads what it shows, and a stored sign-in holds no field twice.
-- SignInEvent.causeTitle: the first finding's title, written with the findings, so the list never parses the findings'
-- JSON. SignInEvent.signIn keeps only the sign-in's fields that no column holds (lib/signins/sign-in-row.ts). Rows
-- stored before keep working as they are (the list reads their findings, the rejoin their whole sign-in) until the
-- pull's backfill (lib/signins/upgrade-sign-in-rows.ts) rewrites them, a batch at a time, from each tenant's newest row
-- id down; SignInPull records where it is, so a stopped backfill goes on from there.
ALTER TABLE "SignInEvent" ADD COLUMN "causeTitle" TEXT;
ALTER TABLE "SignInPull" ADD COLUMN "rowsUpgraded" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "SignInPull" ADD COLUMN "rowsUpgradeCursor" TEXT;
