-- Decision 044: a sign-in is unique by its time and Graph's id. Graph's ids are random, so a key on the id alone took
-- each pulled row to a random page of an index larger than the writer's cache; the pull writes newest first, so a key
-- that starts with the time is written at one end. A sign-in's id never changes its createdDateTime.
DROP INDEX "SignInEvent_tenantRef_signInId_key";

-- CreateIndex
CREATE UNIQUE INDEX "SignInEvent_tenantRef_createdDateTime_signInId_key" ON "SignInEvent"("tenantRef", "createdDateTime", "signInId");
