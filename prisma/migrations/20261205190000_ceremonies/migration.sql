-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "dailyDays" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "dailyLeadMin" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "dailyTimeMin" INTEGER,
ADD COLUMN     "dailyTimeZone" TEXT,
ADD COLUMN     "refineNote" TEXT,
ADD COLUMN     "refineUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Question" ADD COLUMN     "tag" TEXT;

-- CreateTable
CREATE TABLE "DailyReminder" (
    "teamId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "meetingAt" TIMESTAMP(3) NOT NULL,
    "postedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DailyReminder_pkey" PRIMARY KEY ("teamId","date")
);

-- CreateTable
CREATE TABLE "SprintCadence" (
    "productId" TEXT NOT NULL,
    "firstSprintStart" TEXT NOT NULL,
    "firstNumber" INTEGER NOT NULL DEFAULT 1,
    "weeks" INTEGER NOT NULL,
    "reviewWeekday" INTEGER NOT NULL,
    "reviewTime" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "location" TEXT,
    "inviteDaysBefore" INTEGER NOT NULL DEFAULT 2,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SprintCadence_pkey" PRIMARY KEY ("productId")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "sprintNumber" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "timeZone" TEXT NOT NULL,
    "location" TEXT,
    "note" TEXT,
    "cancelled" BOOLEAN NOT NULL DEFAULT false,
    "moved" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewRsvp" (
    "reviewId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewRsvp_pkey" PRIMARY KEY ("reviewId","personId")
);

-- CreateTable
CREATE TABLE "ReviewTopic" (
    "id" BIGSERIAL NOT NULL,
    "reviewId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewTopic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewPrompt" (
    "reviewId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewPrompt_pkey" PRIMARY KEY ("reviewId","kind","personId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Review_productId_sprintNumber_key" ON "Review"("productId", "sprintNumber");

-- AddForeignKey
ALTER TABLE "DailyReminder" ADD CONSTRAINT "DailyReminder_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SprintCadence" ADD CONSTRAINT "SprintCadence_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewRsvp" ADD CONSTRAINT "ReviewRsvp_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewTopic" ADD CONSTRAINT "ReviewTopic_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewPrompt" ADD CONSTRAINT "ReviewPrompt_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;
