-- The header search finds users by the start of the UPN their reports carry (lib/queries/search-devices-and-users.ts):
-- one index seek per distinct user, comparing byte-wise (COLLATE "C") so that a prefix is one contiguous range whatever
-- the database's collation. Prisma's schema cannot express a column collation in an index, so this index lives here
-- only (like the summaries' triggers). SQLite needs none: its default collation is byte-wise and ReportUser's
-- (tenantRef, userPrincipalName, capturedAt) index serves the same seeks.
CREATE INDEX "ReportUser_tenantRef_userPrincipalName_c_idx" ON "ReportUser"("tenantRef", "userPrincipalName" COLLATE "C");
