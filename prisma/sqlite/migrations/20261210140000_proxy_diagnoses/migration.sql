-- Issue 21, item 4 (docs/decisions/028-saved-proxy-diagnoses.md): an Application Proxy diagnosis is stored only when
-- an admin saves it, with the files' summaries and the findings the server computed; deleted with its tenant.
-- CreateTable
CREATE TABLE "ProxyDiagnosis" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantRef" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "savedBy" TEXT NOT NULL,
    "savedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fileCount" INTEGER NOT NULL,
    "findingCount" INTEGER NOT NULL,
    "worstSeverity" TEXT NOT NULL,
    "files" JSONB NOT NULL,
    "findings" JSONB NOT NULL,
    CONSTRAINT "ProxyDiagnosis_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ProxyDiagnosis_tenantRef_savedAt_idx" ON "ProxyDiagnosis"("tenantRef", "savedAt");
