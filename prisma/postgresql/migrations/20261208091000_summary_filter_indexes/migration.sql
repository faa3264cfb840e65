-- The Overview's changes card counts finding events of each kind in a time window (lib/findings/summarize-changes.ts)
-- from (tenantRef, kind, at, id) alone, where (tenantRef, at) made it read each event's row for its kind, and lists
-- each kind's newest in that index's order.
-- The Devices list: its name index also holds the columns a search matches, so a search scans the index, not the
-- rows; a state or a trust type that few devices have is read through its own index (lib/queries/find-devices.ts).
-- The Reports list's default order (newest capture first) reads (tenantRef, capturedAt) instead of sorting every report.
-- DropIndex
DROP INDEX "FindingEvent_tenantRef_at_idx";

-- DropIndex
DROP INDEX "DeviceSummary_tenantRef_nameKey_rowKey_idx";

-- CreateIndex
CREATE INDEX "FindingEvent_tenantRef_kind_at_id_idx" ON "FindingEvent"("tenantRef", "kind", "at", "id");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx" ON "DeviceSummary"("tenantRef", "nameKey", "rowKey", "deviceId", "objectId");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_state_idx" ON "DeviceSummary"("tenantRef", "state");

-- CreateIndex
CREATE INDEX "DeviceSummary_tenantRef_trustType_idx" ON "DeviceSummary"("tenantRef", "trustType");


-- CreateIndex
CREATE INDEX "DeviceReport_tenantRef_capturedAt_idx" ON "DeviceReport"("tenantRef", "capturedAt");
