// Trader history and amendment state in Redis. Reads for a whole batch go out as one pipeline (one
// round trip) and writes as a second, with few commands each: per-batch cost is dominated by the
// number of commands Redis and the client handle, not by their size. Keys (prefix configurable):
//   <p>trader:<id>  hash: declarations (written here), inspections, findings, seizures (the
//                   dispatcher's feedback loop)
//   <p>pairs        hash: consignor|consignee → coordinates of the record that first saw the pair
//   <p>decls        hash: declarationId → "<amendment>|<source>" of the last assessed amendment
//   <p>booking:<id> hash: grossMassGrams, … (written by the dispatcher from Booking events)
// A batch retried after a failed transaction finds its own earlier writes by their source
// coordinates, so it neither counts a declaration twice nor sees its own pair as seen before.
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
const partiesOf = (d: Declaration) => [...new Set([d.declarant.id, d.consignor.id, d.consignee.id])];

export function createTraderHistory(redis: Redis, prefix: string) {
  const k = {
    trader: (id: string) => `${prefix}trader:${id}`,
    pairs: `${prefix}pairs`,
    decls: `${prefix}decls`,
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
      const traders = [...new Set(batch.flatMap(partiesOf))];
      const pairs = [...new Set(batch.map(pairKey))];
      const decls = [...new Set(batch.map((d) => d.declarationId))];
      const bookings = [...new Set(batch.map((d) => d.bookingId).filter((b): b is string => b !== null))];
      const pipeline = redis.pipeline();
      pipeline.hmget(k.decls, ...decls);
      pipeline.hmget(k.pairs, ...pairs);
      for (const t of traders) pipeline.hgetall(k.trader(t));
      for (const b of bookings) pipeline.hget(k.booking(b), 'grossMassGrams');
      const [declStates, pairSources, ...rest] = await exec(pipeline, 'history lookup');

      const amendments = new Map<string, AmendmentState | null>();
      decls.forEach((id, i) => {
        const raw = (declStates as (string | null)[])[i] ?? null;
        const bar = raw?.indexOf('|') ?? -1;
        amendments.set(
          id,
          raw && bar > 0 ? { amendment: Number(raw.slice(0, bar)), source: raw.slice(bar + 1) } : null,
        );
      });
      const firstSeen = new Map<string, string | null>();
      pairs.forEach((p, i) => firstSeen.set(p, (pairSources as (string | null)[])[i] ?? null));
      const stats = new Map<string, TraderStats>();
      traders.forEach((t, i) => {
        const hash = rest[i] as Record<string, string>;
        stats.set(t, {
          declarations: Number(hash['declarations'] ?? 0),
          inspections: Number(hash['inspections'] ?? 0),
          findings: Number(hash['findings'] ?? 0),
          seizures: Number(hash['seizures'] ?? 0),
        });
      });
      const bookedMass = new Map<string, number | null>();
      bookings.forEach((b, i) => {
        const mass = rest[traders.length + i] as string | null;
        bookedMass.set(b, mass === null ? null : Number(mass));
      });

      return {
        context(d, source) {
          const seenBy = firstSeen.get(pairKey(d)) ?? null;
          return {
            declarant: stats.get(d.declarant.id) ?? null,
            consignor: stats.get(d.consignor.id) ?? null,
            consignee: stats.get(d.consignee.id) ?? null,
            // Seen before unless nobody recorded it, or the record that did is this very one (a retry).
            pairSeenBefore: seenBy !== null && seenBy !== source,
            bookedGrossMassGrams: d.bookingId ? (bookedMass.get(d.bookingId) ?? null) : null,
          };
        },
        amendmentState: (id) => amendments.get(id) ?? null,
      };
    },

    /**
     * One round trip: record what the batch assessed, before its transaction commits. `isNew` says
     * the declaration had no recorded amendment at lookup, so it counts once in its traders' history.
     */
    async record(assessed: { declaration: Declaration; source: string; isNew: boolean }[]): Promise<void> {
      if (assessed.length === 0) return;
      const declFields: string[] = [];
      const pairFields = new Map<string, string>();
      const newDeclarations = new Map<string, number>();
      for (const { declaration: d, source, isNew } of assessed) {
        declFields.push(d.declarationId, `${d.amendment}|${source}`);
        if (!pairFields.has(pairKey(d))) pairFields.set(pairKey(d), source);
        if (isNew) for (const t of partiesOf(d)) newDeclarations.set(t, (newDeclarations.get(t) ?? 0) + 1);
      }
      const pipeline = redis.pipeline();
      pipeline.hset(k.decls, ...declFields);
      for (const [pair, source] of pairFields) pipeline.hsetnx(k.pairs, pair, source);
      for (const [trader, n] of newDeclarations) pipeline.hincrby(k.trader(trader), 'declarations', n);
      await exec(pipeline, 'history update');
    },
  };
}

export type TraderHistory = ReturnType<typeof createTraderHistory>;
