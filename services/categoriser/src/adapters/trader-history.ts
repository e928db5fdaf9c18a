// Trader history and amendment state in Redis. A batch's reads are one script call per 2,000
// declarations, all auto-pipelined into one round trip, and its writes likewise a second
// (trader-history-scripts.ts): per-batch cost is dominated by the number of commands the client
// builds and parses, not by their size. Keys (prefix configurable):
//   <p>traders:declarations  hash: trader id → declarations counted (written here)
//   <p>traders:inspections   hash: trader id → inspections, and likewise findings and seizures
//   <p>traders:findings      (written by the dispatcher as results come in: the feedback loop)
//   <p>traders:seizures
//   <p>pairs                 hash: consignor|consignee → coordinates of the record that first saw it
//   <p>decls                 hash: declarationId → "<amendment>|<source>" of the last assessed amendment
//   <p>booking:<id>          hash: grossMassGrams, … (written by the dispatcher from Booking events)
// One hash per figure, each keyed by trader, rather than one hash per trader: a batch's history is
// then four reads whatever the number of traders (trader-history-scripts.ts says why that matters).
// A batch retried after a failed transaction finds its own earlier writes by their source
// coordinates, so it neither counts a declaration twice nor sees its own pair as seen before.
import { luaScript, scriptCallSlices, type Redis } from '@clearway/redis';
import { asRetriable } from '@clearway/kafka';
import type { Declaration } from '@clearway/schemas';
import type { AmendmentState } from '../domain/amendments.ts';
import type { DecisionContext, TraderStats } from '../domain/index.ts';
import { lookupScript, recordScript } from './trader-history-scripts.ts';

export interface BatchLookup {
  context(d: Declaration, source: string): DecisionContext;
  amendmentState(declarationId: string): AmendmentState | null;
}

const pairKey = (d: Declaration) => `${d.consignor.id}|${d.consignee.id}`;
const partiesOf = (d: Declaration) => [...new Set([d.declarant.id, d.consignor.id, d.consignee.id])];

export function createTraderHistory(redis: Redis, prefix: string) {
  const scripts = { lookup: luaScript(redis, lookupScript), record: luaScript(redis, recordScript) };

  const call = (script: (...args: string[]) => Promise<unknown>, args: string[], what: string) =>
    asRetriable('REDIS_UNAVAILABLE', `redis ${what}`, () => script(...args));

  /** Reads one slice's state into the maps (one script call). */
  const lookupSlice = async (
    slice: Declaration[],
    into: {
      amendments: Map<string, AmendmentState | null>;
      firstSeen: Map<string, string | null>;
      stats: Map<string, TraderStats>;
      bookedMass: Map<string, number | null>;
    },
  ) => {
    const traders = [...new Set(slice.flatMap(partiesOf))];
    const pairs = [...new Set(slice.map(pairKey))];
    const decls = [...new Set(slice.map((d) => d.declarationId))];
    const bookings = [...new Set(slice.map((d) => d.bookingId).filter((b): b is string => b !== null))];
    const counts = [decls.length, pairs.length, traders.length, bookings.length].map(String);
    const reply = (await call(
      scripts.lookup,
      [prefix, ...counts, ...decls, ...pairs, ...traders, ...bookings],
      'history lookup',
    )) as (string | null)[];
    const pairsAt = decls.length;
    const tradersAt = pairsAt + pairs.length;
    const bookingsAt = tradersAt + 4 * traders.length;
    decls.forEach((id, i) => {
      const raw = reply[i] ?? null;
      const bar = raw?.indexOf('|') ?? -1;
      into.amendments.set(
        id,
        raw && bar > 0 ? { amendment: Number(raw.slice(0, bar)), source: raw.slice(bar + 1) } : null,
      );
    });
    pairs.forEach((p, i) => into.firstSeen.set(p, reply[pairsAt + i] ?? null));
    traders.forEach((t, i) => {
      const at = tradersAt + 4 * i;
      into.stats.set(t, {
        declarations: Number(reply[at] ?? 0),
        inspections: Number(reply[at + 1] ?? 0),
        findings: Number(reply[at + 2] ?? 0),
        seizures: Number(reply[at + 3] ?? 0),
      });
    });
    bookings.forEach((b, i) => {
      const mass = reply[bookingsAt + i] ?? null;
      into.bookedMass.set(b, mass === null ? null : Number(mass));
    });
  };

  /** Writes one slice's records (one script call); slices run in order on the same connection. */
  const recordSlice = async (slice: { declaration: Declaration; source: string; isNew: boolean }[]) => {
    const declFields: string[] = [];
    const pairFields = new Map<string, string>();
    const newDeclarations = new Map<string, number>();
    for (const { declaration: d, source, isNew } of slice) {
      declFields.push(d.declarationId, `${d.amendment}|${source}`);
      if (!pairFields.has(pairKey(d))) pairFields.set(pairKey(d), source);
      if (isNew) for (const t of partiesOf(d)) newDeclarations.set(t, (newDeclarations.get(t) ?? 0) + 1);
    }
    const args = [prefix, String(slice.length), String(pairFields.size), String(newDeclarations.size)];
    for (const field of declFields) args.push(field);
    for (const [pair, source] of pairFields) args.push(pair, source);
    for (const [trader, n] of newDeclarations) args.push(trader, String(n));
    await call(scripts.record, args, 'history update');
  };

  return {
    /**
     * One round trip: everything the batch's decisions need. A large batch is read in slices (a
     * script's arguments are spread into function calls, which V8 bounds); the slices' calls are
     * issued together and auto-pipelining writes them to Redis at once.
     */
    async lookup(batch: Declaration[]): Promise<BatchLookup> {
      const amendments = new Map<string, AmendmentState | null>();
      const firstSeen = new Map<string, string | null>();
      const stats = new Map<string, TraderStats>();
      const bookedMass = new Map<string, number | null>();
      const into = { amendments, firstSeen, stats, bookedMass };
      await Promise.all(scriptCallSlices(batch).map((slice) => lookupSlice(slice, into)));

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
      await Promise.all(scriptCallSlices(assessed).map(recordSlice));
    },
  };
}

export type TraderHistory = ReturnType<typeof createTraderHistory>;
