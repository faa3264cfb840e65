-- The objects of one machine are grouped by the first DNS label of their name, in any case (shortName in
-- lib/rules/join-rules/directory-evidence.ts). An incremental findings pass looks its few names up through this
-- index, where each lookup without it scanned every object of the tenant. The expression must stay identical to
-- shortNameSql("postgresql") in lib/findings/load-device-subjects.ts, or PostgreSQL will not use the index.
-- Prisma's schema cannot describe an index on an expression: this migration is its only definition.
-- It replaces the index on the name as stored, which only that lookup used.
DROP INDEX "DirectoryDevice_tenantRef_displayName_idx";
CREATE INDEX "DirectoryDevice_tenantRef_shortName_idx" ON "DirectoryDevice"("tenantRef", LOWER(TRIM(SPLIT_PART(TRIM("displayName"), '.', 1))));
