-- CreateTable
CREATE TABLE "InboundCommand" (
    "id" BIGSERIAL NOT NULL,
    "requestKey" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "workspaceExternalId" TEXT NOT NULL,
    "workspaceName" TEXT,
    "channelId" TEXT NOT NULL,
    "channelName" TEXT,
    "userId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "replyUrl" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "InboundCommand_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundCommand_requestKey_key" ON "InboundCommand"("requestKey");

-- CreateIndex
CREATE INDEX "InboundCommand_status_nextAttemptAt_idx" ON "InboundCommand"("status", "nextAttemptAt");
