-- Decision 034: fewer DeviceSummary index entries per summary write (issues 24 and 17). Every writer of a summary
-- (a sync page, the rebuild that ends a first full sync, an upload, a findings pass) paid 19 secondary indexes.
--
-- The deviceId and objectId sort indexes go: their keys (GUIDs) land at a random place in name order, ~1.2 of the
-- ~4.5 CPU seconds of the rebuild of 100,000 summaries (bench/RESULTS.md, eighteenth round). The deviceId sort reads
-- the subject's index instead (a row with a registration id has the subject key 'd:' || deviceId), which grows the
-- name and the row key so that its ties come in the sort's order; the objectId sort reads the primary key's 'o:' row
-- keys (a directory object's row key is 'o:' || objectId, unique per tenant).
DROP INDEX "DeviceSummary_deviceId_sort_idx";

DROP INDEX "DeviceSummary_objectId_sort_idx";

DROP INDEX "DeviceSummary_tenantRef_subjectKey_idx";

CREATE INDEX "DeviceSummary_tenantRef_subjectKey_nameKey_rowKey_idx" ON "DeviceSummary"("tenantRef", "subjectKey", "nameKey", "rowKey");

-- Columns most rows leave empty get partial indexes, which hold only the rows with a value: a row without one writes
-- no entry there. Every query that reads them selects values only (a filter on the column, its sort's first segment,
-- the Overview's latest problems, the broken devices' counts); a sort's rows without a value are read by the name.
DROP INDEX "DeviceSummary_tenantRef_problemReportAt_idx";

CREATE INDEX "DeviceSummary_problemReportAt_idx" ON "DeviceSummary"("tenantRef", "problemReportAt") WHERE "problemReportAt" IS NOT NULL;

DROP INDEX "DeviceSummary_pendingSince_sort_idx";

CREATE INDEX "DeviceSummary_pendingSince_sort_idx" ON "DeviceSummary"("tenantRef", "pendingSince", "nameKey", "rowKey") WHERE "pendingSince" IS NOT NULL;

DROP INDEX "DeviceSummary_primaryRule_sort_idx";

CREATE INDEX "DeviceSummary_primaryRule_sort_idx" ON "DeviceSummary"("tenantRef", "primaryRule", "nameKey", "rowKey") WHERE "primaryRule" IS NOT NULL;

DROP INDEX "DeviceSummary_outlook_idx";

CREATE INDEX "DeviceSummary_outlook_idx" ON "DeviceSummary"("tenantRef", "outlook", "cause", "nameKey", "rowKey") WHERE "outlook" IS NOT NULL;

DROP INDEX "DeviceSummary_cause_sort_idx";

CREATE INDEX "DeviceSummary_cause_sort_idx" ON "DeviceSummary"("tenantRef", "cause", "nameKey", "rowKey") WHERE "cause" IS NOT NULL;
