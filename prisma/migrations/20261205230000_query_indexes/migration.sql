-- DropIndex
DROP INDEX "Question_productId_resolvedAt_idx";

-- CreateIndex
CREATE INDEX "Question_productId_resolvedAt_askedAt_idx" ON "Question"("productId", "resolvedAt", "askedAt");

-- CreateIndex
CREATE INDEX "Question_productId_askerId_resolvedAt_askedAt_idx" ON "Question"("productId", "askerId", "resolvedAt", "askedAt");

-- CreateIndex
CREATE INDEX "IntakeItem_productId_createdAt_idx" ON "IntakeItem"("productId", "createdAt");

-- CreateIndex
CREATE INDEX "IntakeItem_productId_status_backlogRank_number_idx" ON "IntakeItem"("productId", "status", "backlogRank", "number");

-- CreateIndex
CREATE INDEX "IntakeRequester_personId_idx" ON "IntakeRequester"("personId");

-- CreateIndex
CREATE INDEX "IntakeEvent_at_idx" ON "IntakeEvent"("at");

