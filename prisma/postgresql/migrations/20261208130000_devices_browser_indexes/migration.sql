-- The Devices browser (issue 17 item 2, decision 015): one index per column of the list, (tenantRef, column, nameKey,
-- rowKey), which serves the column's sort (ties by name, keyset paging in lib/queries/keyset-page.ts) and its filter.
-- The state and trust type indexes grow the name, so a sparse state or trust type is read already sorted by name.
DROP INDEX "DeviceSummary_tenantRef_state_idx";

DROP INDEX "DeviceSummary_tenantRef_trustType_idx";

CREATE INDEX "DeviceSummary_state_sort_idx" ON "DeviceSummary"("tenantRef", "state", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_trustType_sort_idx" ON "DeviceSummary"("tenantRef", "trustType", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_deviceId_sort_idx" ON "DeviceSummary"("tenantRef", "deviceId", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_objectId_sort_idx" ON "DeviceSummary"("tenantRef", "objectId", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_joinType_sort_idx" ON "DeviceSummary"("tenantRef", "joinType", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_os_sort_idx" ON "DeviceSummary"("tenantRef", "operatingSystem", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_osVersion_sort_idx" ON "DeviceSummary"("tenantRef", "operatingSystemVersion", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_sync_sort_idx" ON "DeviceSummary"("tenantRef", "onPremisesSyncEnabled", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_lastSignIn_sort_idx" ON "DeviceSummary"("tenantRef", "approximateLastSignInDateTime", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_pendingSince_sort_idx" ON "DeviceSummary"("tenantRef", "pendingSince", "nameKey", "rowKey");

CREATE INDEX "DeviceSummary_primaryRule_sort_idx" ON "DeviceSummary"("tenantRef", "primaryRule", "nameKey", "rowKey");
