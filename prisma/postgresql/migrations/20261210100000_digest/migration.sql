-- Issue 23, item 7 (decision 024): a tenant's scheduled digest, its secrets sealed, and the lease that sends it once.
-- CreateTable
CREATE TABLE "DigestSettings" (
    "tenantRef" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "frequency" TEXT NOT NULL DEFAULT 'weekly',
    "weekday" INTEGER NOT NULL DEFAULT 1,
    "hour" INTEGER NOT NULL DEFAULT 8,
    "teamsWebhookCiphertext" TEXT,
    "teamsWebhookHint" TEXT,
    "slackWebhookCiphertext" TEXT,
    "slackWebhookHint" TEXT,
    "smtpHost" TEXT,
    "smtpPort" INTEGER,
    "smtpSecurity" TEXT,
    "smtpUser" TEXT,
    "smtpPasswordCiphertext" TEXT,
    "emailFrom" TEXT,
    "emailTo" TEXT,
    "lastSlotAt" TIMESTAMP(3),
    "lastDeliveryAt" TIMESTAMP(3),
    "lastDeliveryOutcome" TEXT,
    "lastDeliveryDetail" TEXT,
    "lastDeliveryTrigger" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestSettings_pkey" PRIMARY KEY ("tenantRef")
);

-- CreateTable
CREATE TABLE "DigestLease" (
    "tenantRef" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestLease_pkey" PRIMARY KEY ("tenantRef")
);

-- AddForeignKey
ALTER TABLE "DigestSettings" ADD CONSTRAINT "DigestSettings_tenantRef_fkey" FOREIGN KEY ("tenantRef") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
