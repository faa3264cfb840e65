-- DropIndex
DROP INDEX "DeviceSummary_osVersion_sort_idx";

-- CreateIndex
CREATE INDEX "DeviceSummary_osVersion_sort_idx" ON "DeviceSummary"("tenantRef", "operatingSystemVersion", "nameKey", "rowKey", "operatingSystem");

