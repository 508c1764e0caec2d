-- CreateTable
CREATE TABLE "PlaygroundUser" (
    "id" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "sort" INTEGER NOT NULL,

    CONSTRAINT "PlaygroundUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlaygroundChannel" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "topic" TEXT,
    "dmUserId" TEXT,
    "sort" INTEGER NOT NULL,

    CONSTRAINT "PlaygroundChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlaygroundChannelMember" (
    "channelId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "PlaygroundChannelMember_pkey" PRIMARY KEY ("channelId","userId")
);

-- CreateTable
CREATE TABLE "PlaygroundMessage" (
    "id" BIGSERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "threadId" BIGINT,
    "authorId" TEXT,
    "visibleTo" TEXT,
    "command" TEXT,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "editedAt" TIMESTAMP(3),

    CONSTRAINT "PlaygroundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlaygroundState" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "clockOffsetMs" BIGINT NOT NULL DEFAULT 0,
    "sprintCalendar" JSONB,
    "seededAt" TIMESTAMP(3),

    CONSTRAINT "PlaygroundState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PlaygroundUser_handle_key" ON "PlaygroundUser"("handle");

-- CreateIndex
CREATE INDEX "PlaygroundMessage_channelId_id_idx" ON "PlaygroundMessage"("channelId", "id");

-- AddForeignKey
ALTER TABLE "PlaygroundChannelMember" ADD CONSTRAINT "PlaygroundChannelMember_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "PlaygroundChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlaygroundMessage" ADD CONSTRAINT "PlaygroundMessage_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "PlaygroundChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;
