-- DropIndex
DROP INDEX "DeviceReport_tenantRef_deviceId_capturedAt_idx";

-- CreateIndex
CREATE INDEX "DeviceReport_tenantRef_deviceId_capturedAt_id_idx" ON "DeviceReport"("tenantRef", "deviceId", "capturedAt", "id");

