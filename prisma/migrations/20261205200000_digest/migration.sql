-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "digestTimeMin" INTEGER NOT NULL DEFAULT 510,
ADD COLUMN     "digestWeekday" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "lastDigestDay" TEXT;
