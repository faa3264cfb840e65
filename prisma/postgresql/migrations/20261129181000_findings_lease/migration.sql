-- CreateTable
CREATE TABLE "FindingsLease" (
    "tenantRef" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FindingsLease_pkey" PRIMARY KEY ("tenantRef")
);

