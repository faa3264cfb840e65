-- The Findings export's order (decision 014, lib/export/finding-export-source.ts): rankSeverity, then the device, its
-- primary finding first, then the rule. Each 1,000-row keyset batch of an export is one range of this index.
-- CreateIndex
CREATE INDEX "Finding_tenantRef_rankSeverity_subjectKey_isPrimary_rule_idx" ON "Finding"("tenantRef", "rankSeverity", "subjectKey", "isPrimary" DESC, "rule");

