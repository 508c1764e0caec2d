-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "sameAsId" TEXT;

-- CreateTable
CREATE TABLE "LinkCode" (
    "codeHash" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "personId" TEXT,
    "createdById" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkCode_pkey" PRIMARY KEY ("codeHash")
);

-- CreateIndex
CREATE INDEX "LinkCode_productId_idx" ON "LinkCode"("productId");

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_sameAsId_fkey" FOREIGN KEY ("sameAsId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
