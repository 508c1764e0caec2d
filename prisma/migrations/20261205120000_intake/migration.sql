-- Likely duplicates in the intake queue are found by trigram similarity (public.similarity).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "intakeSeq" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "interceptMode" TEXT NOT NULL DEFAULT 'nudge';

-- CreateTable
CREATE TABLE "IntakeItem" (
    "id" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "problem" TEXT,
    "value" INTEGER,
    "urgency" TEXT NOT NULL DEFAULT 'normal',
    "neededBy" TEXT,
    "link" TEXT,
    "source" TEXT NOT NULL,
    "teamId" TEXT,
    "requesterId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "sourceKey" TEXT,
    "sourcePlatform" TEXT,
    "sourceWorkspaceId" TEXT,
    "sourceChannelId" TEXT,
    "sourceThreadId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'new',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "poMessageKey" TEXT,
    "poNotifiedAt" TIMESTAMP(3),
    "decidedAt" TIMESTAMP(3),
    "decidedById" TEXT,
    "backlogRank" DOUBLE PRECISION,
    "duplicateOfId" TEXT,
    "lastFlaggedDay" TEXT,

    CONSTRAINT "IntakeItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntakeRequester" (
    "itemId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "viaItemId" TEXT,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntakeRequester_pkey" PRIMARY KEY ("itemId","personId")
);

-- CreateTable
CREATE TABLE "IntakeEvent" (
    "id" BIGSERIAL NOT NULL,
    "itemId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actorId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "note" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "IntakeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Interception" (
    "id" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "signals" TEXT[],
    "reason" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "itemId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "undoneById" TEXT,
    "undoneAt" TIMESTAMP(3),

    CONSTRAINT "Interception_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IntakeItem_sourceKey_key" ON "IntakeItem"("sourceKey");

-- CreateIndex
CREATE INDEX "IntakeItem_productId_status_createdAt_idx" ON "IntakeItem"("productId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "IntakeItem_poNotifiedAt_status_idx" ON "IntakeItem"("poNotifiedAt", "status");

-- CreateIndex
CREATE UNIQUE INDEX "IntakeItem_productId_number_key" ON "IntakeItem"("productId", "number");

-- CreateIndex
CREATE INDEX "IntakeRequester_viaItemId_idx" ON "IntakeRequester"("viaItemId");

-- CreateIndex
CREATE INDEX "IntakeEvent_itemId_id_idx" ON "IntakeEvent"("itemId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Interception_sourceKey_key" ON "Interception"("sourceKey");

-- CreateIndex
CREATE INDEX "Interception_productId_at_idx" ON "Interception"("productId", "at");

-- AddForeignKey
ALTER TABLE "IntakeItem" ADD CONSTRAINT "IntakeItem_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntakeRequester" ADD CONSTRAINT "IntakeRequester_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "IntakeItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntakeEvent" ADD CONSTRAINT "IntakeEvent_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "IntakeItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Interception" ADD CONSTRAINT "Interception_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;
