-- CreateTable
CREATE TABLE "DeferredIndex" (
    "name" TEXT NOT NULL,
    "tableName" TEXT NOT NULL,
    "sql" TEXT NOT NULL,
    "tenantRef" TEXT NOT NULL,
    "deferredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeferredIndex_pkey" PRIMARY KEY ("name")
);
