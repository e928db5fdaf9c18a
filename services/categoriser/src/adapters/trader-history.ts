// Trader history and amendment state in Redis. Reads for a whole batch go out as one pipeline (one
// round trip); writes for the batch as a second. Keys (prefix configurable):
//   <p>trader:<id>        hash: inspections, findings, seizures (the dispatcher's feedback loop)
//   <p>trader:<id>:decls  HyperLogLog of declaration ids (idempotent under redelivery)
//   <p>pair:<a>|<b>       coordinates of the record that first saw this consignor–consignee pair
//   <p>decl:<id>          hash: amendment, source (the last assessed amendment)
//   <p>booking:<id>       hash: grossMassGrams, ... (written by the dispatcher from Booking events)
import type { Redis } from '@clearway/redis';
import { RetriableError } from '@clearway/kafka';
import type { Declaration } from '@clearway/schemas';
import type { AmendmentState } from '../domain/amendments.ts';
import type { DecisionContext, TraderStats } from '../domain/index.ts';

export interface BatchLookup {
  context(d: Declaration, source: string): DecisionContext;
  amendmentState(declarationId: string): AmendmentState | null;
}

const pairKey = (d: Declaration) => `${d.consignor.id}|${d.consignee.id}`;

export function createTraderHistory(redis: Redis, prefix: string) {
  const k = {
    trader: (id: string) => `${prefix}trader:${id}`,
    decls: (id: string) => `${prefix}trader:${id}:decls`,
    pair: (pair: string) => `${prefix}pair:${pair}`,
    decl: (id: string) => `${prefix}decl:${id}`,
    booking: (id: string) => `${prefix}booking:${id}`,
  };

  const exec = async (pipeline: ReturnType<Redis['pipeline']>, what: string) => {
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
      return results.map(([, value]) => value);
    } catch (error) {
      throw new RetriableError('REDIS_UNAVAILABLE', `redis ${what} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  return {
    /** One round trip: everything the batch's decisions need. */
    async lookup(batch: Declaration[]): Promise<BatchLookup> {
      const traders = [...new Set(batch.flatMap((d) => [d.declarant.id, d.consignor.id, d.consignee.id]))];
      const pairs = [...new Set(batch.map(pairKey))];
      const decls = [...new Set(batch.map((d) => d.declarationId))];
      const bookings = [...new Set(batch.map((d) => d.bookingId).filter((b): b is string => b !== null))];
      const pipeline = redis.pipeline();
      for (const t of traders) pipeline.hgetall(k.trader(t)).pfcount(k.decls(t));
      for (const p of pairs) pipeline.get(k.pair(p));
      for (const d of decls) pipeline.hgetall(k.decl(d));
      for (const b of bookings) pipeline.hget(k.booking(b), 'grossMassGrams');
      const values = await exec(pipeline, 'history lookup');

      let i = 0;
      const stats = new Map<string, TraderStats>();
      for (const t of traders) {
        const hash = values[i++] as Record<string, string>;
        const declarations = values[i++] as number;
        stats.set(t, {
          declarations,
          inspections: Number(hash['inspections'] ?? 0),
          findings: Number(hash['findings'] ?? 0),
          seizures: Number(hash['seizures'] ?? 0),
        });
      }
      const pairSources = new Map<string, string | null>();
      for (const p of pairs) pairSources.set(p, values[i++] as string | null);
      const amendments = new Map<string, AmendmentState | null>();
      for (const d of decls) {
        const hash = values[i++] as Record<string, string>;
        amendments.set(
          d,
          hash['amendment'] !== undefined
            ? { amendment: Number(hash['amendment']), source: hash['source'] ?? '' }
            : null,
        );
      }
      const bookedMass = new Map<string, number | null>();
      for (const b of bookings) {
        const mass = values[i++] as string | null;
        bookedMass.set(b, mass === null ? null : Number(mass));
      }

      return {
        context(d, source) {
          const firstSeenBy = pairSources.get(pairKey(d));
          return {
            declarant: stats.get(d.declarant.id) ?? null,
            consignor: stats.get(d.consignor.id) ?? null,
            consignee: stats.get(d.consignee.id) ?? null,
            // Seen before unless nobody recorded it, or the record that did is this very one (a retry).
            pairSeenBefore: firstSeenBy !== undefined && firstSeenBy !== null && firstSeenBy !== source,
            bookedGrossMassGrams: d.bookingId ? (bookedMass.get(d.bookingId) ?? null) : null,
          };
        },
        amendmentState: (id) => amendments.get(id) ?? null,
      };
    },

    /** One round trip: record what the batch assessed, before its transaction commits (see amendments.ts). */
    async record(assessed: { declaration: Declaration; source: string }[]): Promise<void> {
      if (assessed.length === 0) return;
      const pipeline = redis.pipeline();
      for (const { declaration: d, source } of assessed) {
        pipeline.hset(k.decl(d.declarationId), 'amendment', String(d.amendment), 'source', source);
        pipeline.set(k.pair(pairKey(d)), source, 'NX');
        for (const t of new Set([d.declarant.id, d.consignor.id, d.consignee.id]))
          pipeline.pfadd(k.decls(t), d.declarationId);
      }
      await exec(pipeline, 'history update');
    },
  };
}

export type TraderHistory = ReturnType<typeof createTraderHistory>;
