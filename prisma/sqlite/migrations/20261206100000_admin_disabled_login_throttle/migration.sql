-- AlterTable
ALTER TABLE "AdminUser" ADD COLUMN "disabledAt" DATETIME;

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL,
    "expire" DATETIME
);

-- CreateIndex
CREATE INDEX "LoginThrottle_expire_idx" ON "LoginThrottle"("expire");

