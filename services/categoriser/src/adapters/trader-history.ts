// Trader history and amendment state in Redis. A batch's reads are one script call per 2,000
// declarations, all auto-pipelined into one round trip, and its writes likewise a second
// (trader-history-scripts.ts): per-batch cost is dominated by the number of commands and arguments
// the client builds and parses, not by their size. Keys (prefix configurable):
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
import { forEachDistinctTrader, pairKey, type DecisionContext, type TraderStats } from '../domain/index.ts';
import { lookupScript, recordScript } from './trader-history-scripts.ts';

export interface BatchLookup {
  context(d: Declaration, source: string): DecisionContext;
  amendmentState(declarationId: string): AmendmentState | null;
}

// A declaration whose ids hold a newline (the scripts' separator) is invalid and will be rejected
// (validate-declaration.ts): its lookup uses the empty id instead, so the lists stay aligned. What
// is recorded comes from valid declarations and Kafka coordinates only.
const listItem = (id: string) => (id.includes('\n') ? '' : id);

const count = (raw: string | undefined) => (raw ? Number(raw) : 0);

export function createTraderHistory(redis: Redis, prefix: string) {
  const scripts = { lookup: luaScript(redis, lookupScript), record: luaScript(redis, recordScript) };

  // Writes not yet settled. A batch's record is not awaited by its handler (the stage's commit waits
  // for it), so the next batch of the same partition can be handled while it runs; its reads must
  // still see those writes. One connection executes commands in order, but a write can be sent again
  // later (EVAL after NOSCRIPT, when Redis lost its script cache), so lookups wait for writes issued
  // before them rather than trusting the order on the wire.
  let writes: Promise<unknown> = Promise.resolve();

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
    const decls = new Set<string>();
    const pairs = new Set<string>();
    const traders = new Set<string>();
    const bookings = new Set<string>();
    const addTrader = (id: string) => traders.add(listItem(id));
    for (const d of slice) {
      decls.add(listItem(d.declarationId));
      pairs.add(listItem(pairKey(d)));
      forEachDistinctTrader(d, addTrader);
      if (d.bookingId !== null) bookings.add(listItem(d.bookingId));
    }
    const [declList, pairList, traderList, bookingList] = [decls, pairs, traders, bookings].map((set) => [
      ...set,
    ]) as [string[], string[], string[], string[]];
    const reply = (await call(
      scripts.lookup,
      [
        prefix,
        String(declList.length),
        String(pairList.length),
        String(traderList.length),
        String(bookingList.length),
        declList.join('\n'),
        pairList.join('\n'),
        traderList.join('\n'),
        bookingList.join('\n'),
      ],
      'history lookup',
    )) as string;
    const values = reply.split('\n');
    let at = 0;
    for (let i = 0; i < declList.length; i++) {
      const raw = values[at++];
      const bar = raw ? raw.indexOf('|') : -1;
      into.amendments.set(
        declList[i]!,
        raw && bar > 0 ? { amendment: Number(raw.slice(0, bar)), source: raw.slice(bar + 1) } : null,
      );
    }
    for (let i = 0; i < pairList.length; i++) into.firstSeen.set(pairList[i]!, values[at++] || null);
    for (let i = 0; i < traderList.length; i++) {
      into.stats.set(traderList[i]!, {
        declarations: count(values[at]),
        inspections: count(values[at + 1]),
        findings: count(values[at + 2]),
        seizures: count(values[at + 3]),
      });
      at += 4;
    }
    for (let i = 0; i < bookingList.length; i++) {
      const mass = values[at++];
      into.bookedMass.set(bookingList[i]!, mass ? Number(mass) : null);
    }
  };

  /** Writes one slice's records (one script call); slices run in order on the same connection. */
  const recordSlice = async (slice: { declaration: Declaration; source: string; isNew: boolean }[]) => {
    const declItems: string[] = [];
    const pairSources = new Map<string, string>();
    const newDeclarations = new Map<string, number>();
    const counted = (trader: string) => newDeclarations.set(trader, (newDeclarations.get(trader) ?? 0) + 1);
    for (const { declaration: d, source, isNew } of slice) {
      declItems.push(d.declarationId, `${d.amendment}|${source}`);
      const pair = pairKey(d);
      if (!pairSources.has(pair)) pairSources.set(pair, source);
      if (isNew) forEachDistinctTrader(d, counted);
    }
    // forEach, not for-of: no [key, value] array per entry.
    const pairItems: string[] = [];
    pairSources.forEach((source, pair) => pairItems.push(pair, source));
    const traderItems: string[] = [];
    newDeclarations.forEach((n, trader) => traderItems.push(trader, String(n)));
    await call(
      scripts.record,
      [
        prefix,
        String(slice.length),
        String(pairSources.size),
        String(newDeclarations.size),
        declItems.join('\n'),
        pairItems.join('\n'),
        traderItems.join('\n'),
      ],
      'history update',
    );
  };

  return {
    /**
     * One round trip: everything the batch's decisions need. A large batch is read in slices, so
     * that no one script holds Redis for long; the slices' calls are issued together and
     * auto-pipelining writes them to Redis at once.
     */
    async lookup(batch: Declaration[]): Promise<BatchLookup> {
      const amendments = new Map<string, AmendmentState | null>();
      const firstSeen = new Map<string, string | null>();
      const stats = new Map<string, TraderStats>();
      const bookedMass = new Map<string, number | null>();
      const into = { amendments, firstSeen, stats, bookedMass };
      await writes;
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
    record(assessed: { declaration: Declaration; source: string; isNew: boolean }[]): Promise<void> {
      const done = Promise.all(scriptCallSlices(assessed).map(recordSlice)).then(() => undefined);
      // Settled either way: a failed write fails its own batch's commit, which sends the stage back
      // to the committed offsets; a lookup after it only needs it to be over.
      writes = Promise.all([writes, done.catch(() => undefined)]);
      return done;
    },
  };
}

export type TraderHistory = ReturnType<typeof createTraderHistory>;
