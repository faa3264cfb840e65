-- The Devices list's rule filter (decision 015) reads a rule's open subjects; with the subject in the index it reads
-- them from the index alone instead of each finding's row (bench:ui, 100,000 devices, a rule open on 16,791 of them:
-- the count of its devices 215 ms → 30-40 ms on SQLite, at load average 20 on 2 cores).
DROP INDEX "Finding_tenantRef_rule_status_idx";

CREATE INDEX "Finding_tenantRef_rule_status_subjectKey_idx" ON "Finding"("tenantRef", "rule", "status", "subjectKey");
