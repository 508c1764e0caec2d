-- The digest counts one product's requests and decisions per period. The decisions joined every request of
-- the product to its events (a scan of all requests); each event now carries its item's product, set by a
-- trigger whatever inserts it, so the count reads one index. Written by hand: Prisma's schema has no triggers.
ALTER TABLE "IntakeEvent" ADD COLUMN "productId" TEXT;

UPDATE "IntakeEvent" e SET "productId" = i."productId" FROM "IntakeItem" i WHERE i."id" = e."itemId";

CREATE FUNCTION "IntakeEvent_set_product"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  NEW."productId" := (SELECT "productId" FROM "IntakeItem" WHERE "id" = NEW."itemId");
  RETURN NEW;
END;
$$;

CREATE TRIGGER "IntakeEvent_product" BEFORE INSERT ON "IntakeEvent"
  FOR EACH ROW EXECUTE FUNCTION "IntakeEvent_set_product"();

-- DropIndex
DROP INDEX "IntakeEvent_at_idx";

-- CreateIndex
CREATE INDEX "IntakeEvent_productId_at_action_idx" ON "IntakeEvent"("productId", "at", "action");

-- The period's requests, and how many came through the intake's own ways, from the index alone.
-- DropIndex
DROP INDEX "IntakeItem_productId_createdAt_idx";

-- CreateIndex
CREATE INDEX "IntakeItem_productId_createdAt_source_idx" ON "IntakeItem"("productId", "createdAt", "source");
