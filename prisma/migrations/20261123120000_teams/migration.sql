-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "timeZoneSource" TEXT NOT NULL DEFAULT 'platform';

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "reportTo" JSONB;

-- CreateTable
CREATE TABLE "TeamsConversation" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "serviceUrl" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "teamId" TEXT,
    "userAadId" TEXT,
    "reference" JSONB NOT NULL,
    "greetedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamsConversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamsUser" (
    "tenantId" TEXT NOT NULL,
    "aadObjectId" TEXT NOT NULL,
    "teamsUserId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "serviceUrl" TEXT NOT NULL,
    "teamId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamsUser_pkey" PRIMARY KEY ("tenantId","aadObjectId")
);

-- CreateIndex
CREATE INDEX "TeamsConversation_tenantId_userAadId_idx" ON "TeamsConversation"("tenantId", "userAadId");

-- CreateIndex
CREATE INDEX "TeamsConversation_tenantId_teamId_idx" ON "TeamsConversation"("tenantId", "teamId");
