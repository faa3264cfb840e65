-- AlterTable
ALTER TABLE "Finding" ADD COLUMN "ackTicket" TEXT;
ALTER TABLE "Finding" ADD COLUMN "ackUntil" DATETIME;

-- CreateIndex
CREATE INDEX "Finding_tenantRef_ackUntil_idx" ON "Finding"("tenantRef", "ackUntil");

