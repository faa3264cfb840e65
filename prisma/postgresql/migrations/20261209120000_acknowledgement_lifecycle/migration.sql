-- AlterTable
ALTER TABLE "Finding" ADD COLUMN     "ackTicket" TEXT,
ADD COLUMN     "ackUntil" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Finding_tenantRef_ackUntil_idx" ON "Finding"("tenantRef", "ackUntil");

