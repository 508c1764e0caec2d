-- AlterTable
ALTER TABLE "IntakeItem" ADD COLUMN     "demand" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "IntakeItem_productId_demand_number_idx" ON "IntakeItem"("productId", "demand" DESC, "number");

-- Demand is the item's IntakeRequester rows, counted as they come and go whatever adds or removes them
-- (the store, a merge and its undo, a cascade), so the digest's "most asked for" reads an index instead
-- of grouping every open item's requesters. Written by hand: Prisma's schema has no triggers.
CREATE FUNCTION "IntakeRequester_count_demand"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE "IntakeItem" SET "demand" = "demand" + 1 WHERE "id" = NEW."itemId";
    RETURN NEW;
  END IF;
  UPDATE "IntakeItem" SET "demand" = "demand" - 1 WHERE "id" = OLD."itemId";
  RETURN OLD;
END;
$$;

CREATE TRIGGER "IntakeRequester_demand" AFTER INSERT OR DELETE ON "IntakeRequester"
  FOR EACH ROW EXECUTE FUNCTION "IntakeRequester_count_demand"();

UPDATE "IntakeItem" i SET "demand" = (SELECT count(*) FROM "IntakeRequester" r WHERE r."itemId" = i."id");
