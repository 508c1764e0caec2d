import type { CalendarStore } from '../app/ports.js';
import type { Prisma } from '../generated/prisma/client.js';

type PrismaTx = Prisma.TransactionClient;

export function calendarStore(db: PrismaTx): CalendarStore {
  return {
    async holidays(productId) {
      const rows = await db.holiday.findMany({ where: { productId }, orderBy: { date: 'asc' } });
      return rows.map((r) => ({ date: r.date, name: r.name ?? undefined }));
    },

    async addHoliday(productId, date, name) {
      const added = await db.holiday.createMany({ data: [{ productId, date, name: name ?? null }], skipDuplicates: true });
      return added.count === 1;
    },

    async removeHoliday(productId, date) {
      const removed = await db.holiday.deleteMany({ where: { productId, date } });
      return removed.count > 0;
    },

    async absences(productId, personId, since) {
      const rows = await db.absence.findMany({
        where: { productId, personId, OR: [{ until: null }, { until: { gt: since } }] },
        orderBy: { from: 'asc' },
      });
      return rows.map((r) => ({ id: r.id, personId: r.personId, from: r.from, until: r.until ?? undefined, lastDay: r.lastDay ?? undefined, note: r.note ?? undefined }));
    },

    async startAbsence(a) {
      await db.absence.create({ data: { ...a, until: a.until ?? null, lastDay: a.lastDay ?? null, note: a.note ?? null } });
    },

    async endAbsences(productId, personId, at) {
      const ended = await db.absence.updateMany({
        where: { productId, personId, from: { lte: at }, OR: [{ until: null }, { until: { gt: at } }] },
        data: { until: at },
      });
      // Absences planned for later are called off too: being back means back.
      const planned = await db.absence.deleteMany({ where: { productId, personId, from: { gt: at } } });
      return ended.count + planned.count;
    },

    async responseTargetMin(productId) {
      return (await db.product.findUniqueOrThrow({ where: { id: productId }, select: { responseTargetMin: true } })).responseTargetMin;
    },

    async setResponseTargetMin(productId, minutes) {
      await db.product.update({ where: { id: productId }, data: { responseTargetMin: minutes } });
    },
  };
}
