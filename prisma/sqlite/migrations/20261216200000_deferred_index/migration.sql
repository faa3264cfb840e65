-- CreateTable
CREATE TABLE "DeferredIndex" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "tableName" TEXT NOT NULL,
    "sql" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "deferredAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
