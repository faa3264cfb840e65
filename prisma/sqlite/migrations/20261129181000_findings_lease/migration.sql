-- CreateTable
CREATE TABLE "FindingsLease" (
    "tenantRef" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

