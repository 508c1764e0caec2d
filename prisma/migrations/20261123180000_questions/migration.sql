-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "questionSeq" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "responseTargetMin" INTEGER NOT NULL DEFAULT 240;

-- CreateTable
CREATE TABLE "Question" (
    "id" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "teamId" TEXT NOT NULL,
    "askerId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "requestKey" TEXT,
    "askedAt" TIMESTAMP(3) NOT NULL,
    "poNotifiedAt" TIMESTAMP(3),
    "firstResponseAt" TIMESTAMP(3),
    "firstResponseKind" TEXT,
    "firstResponseBusinessSec" INTEGER,
    "firstResponseWallSec" INTEGER,
    "answeredAt" TIMESTAMP(3),
    "answeredById" TEXT,
    "answerText" TEXT,
    "handedToId" TEXT,
    "handedOffAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" TEXT,
    "lastNudgedDay" TEXT,
    "escalatedAt" TIMESTAMP(3),

    CONSTRAINT "Question_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Absence" (
    "id" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "from" TIMESTAMP(3) NOT NULL,
    "until" TIMESTAMP(3),
    "lastDay" TEXT,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Absence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Holiday" (
    "productId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "name" TEXT,

    CONSTRAINT "Holiday_pkey" PRIMARY KEY ("productId","date")
);

-- CreateIndex
CREATE UNIQUE INDEX "Question_requestKey_key" ON "Question"("requestKey");

-- CreateIndex
CREATE INDEX "Question_productId_askedAt_idx" ON "Question"("productId", "askedAt");

-- CreateIndex
CREATE INDEX "Question_productId_resolvedAt_idx" ON "Question"("productId", "resolvedAt");

-- CreateIndex
CREATE INDEX "Question_firstResponseAt_resolvedAt_idx" ON "Question"("firstResponseAt", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Question_productId_number_key" ON "Question"("productId", "number");

-- CreateIndex
CREATE INDEX "Absence_productId_personId_idx" ON "Absence"("productId", "personId");

-- AddForeignKey
ALTER TABLE "Question" ADD CONSTRAINT "Question_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Question" ADD CONSTRAINT "Question_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Question" ADD CONSTRAINT "Question_askerId_fkey" FOREIGN KEY ("askerId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Absence" ADD CONSTRAINT "Absence_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Absence" ADD CONSTRAINT "Absence_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Holiday" ADD CONSTRAINT "Holiday_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;
