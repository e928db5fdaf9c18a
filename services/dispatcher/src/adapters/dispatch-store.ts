// Typed access to the dispatcher's Redis state: the atomic scripts (dispatch-scripts.ts), the
// bookings a batch needs, and read-only views for metrics and tests.
// Redis failures become RetriableErrors, so the stage retries the batch with backoff.
import { asRetriable } from '@clearway/kafka';
import { luaScript, scriptCallSlices, type Redis } from '@clearway/redis';
import type { SlotWindow } from '@clearway/schemas';
import type { CompleteDecision, DispatchDecision, LaneDecision } from '../domain/decisions.ts';
import {
  bookingScript,
  bookingsScript,
  completeScript,
  dispatchScript,
  laneStatusScript,
  noShowScript,
} from './dispatch-scripts.ts';

export interface BookingRecord {
  bookingId: string;
  plate: string;
  slot: SlotWindow;
  status: string;
}

export interface NoShow {
  bookingId: string;
  port: string;
  plate: string;
  slotStart: number;
  slotEnd: number;
}

export interface LaneOccupancy {
  open: boolean | null;
  count: number;
  load: number;
  ins: number;
  waiting: number;
}

type Script = (...args: (string | number)[]) => Promise<string>;
interface Scripted {
  cwDispatch: Script;
  cwComplete: Script;
  cwLaneStatus: Script;
  cwBooking: Script;
  cwBookings: (...args: (string | number)[]) => Promise<unknown>;
  cwNoShows: (...args: (string | number)[]) => Promise<string[]>;
}

const retriable = <T>(what: string, task: () => Promise<T>): Promise<T> =>
  asRetriable('REDIS_UNAVAILABLE', `redis ${what}`, task);

export function createDispatchStore(redis: Redis, options: { keyPrefix: string; ttlSeconds: number }) {
  const { keyPrefix, ttlSeconds } = options;
  const P = `${keyPrefix}dsp:`;
  const scripts: Scripted = {
    cwDispatch: luaScript(redis, dispatchScript) as Script,
    cwComplete: luaScript(redis, completeScript) as Script,
    cwLaneStatus: luaScript(redis, laneStatusScript) as Script,
    cwBooking: luaScript(redis, bookingScript) as Script,
    cwBookings: luaScript(redis, bookingsScript),
    cwNoShows: luaScript(redis, noShowScript) as Scripted['cwNoShows'],
  };

  return {
    keyPrefix,
    async dispatch(a: {
      source: string;
      now: number;
      assessmentId: string;
      declarationId: string;
      amendment: number;
      info: string;
      inHours: string[];
      maxPriority: number;
      release: boolean;
      bookingId: string | null;
    }): Promise<DispatchDecision> {
      const raw = await retriable('dispatch', () =>
        scripts.cwDispatch(
          P,
          a.source,
          a.now,
          ttlSeconds,
          a.assessmentId,
          a.declarationId,
          a.amendment,
          a.info,
          JSON.stringify(a.inHours),
          a.maxPriority,
          a.release ? '1' : '0',
          a.bookingId ?? '',
        ),
      );
      return JSON.parse(raw) as DispatchDecision;
    },

    async complete(r: {
      source: string;
      now: number;
      resultId: string;
      assignmentId: string;
      laneId: string;
      port: string;
      found: boolean;
      seizure: boolean;
    }): Promise<CompleteDecision> {
      const raw = await retriable('complete', () =>
        scripts.cwComplete(
          P,
          r.source,
          r.now,
          ttlSeconds,
          r.resultId,
          r.assignmentId,
          r.laneId,
          r.port,
          r.found ? '1' : '0',
          r.seizure ? '1' : '0',
          keyPrefix,
        ),
      );
      return JSON.parse(raw) as CompleteDecision;
    },

    async laneStatus(s: {
      source: string;
      now: number;
      port: string;
      laneId: string;
      status: 'OPEN' | 'CLOSED';
      inHours: string[];
      maxPriority: number;
    }): Promise<LaneDecision> {
      const raw = await retriable('lane status', () =>
        scripts.cwLaneStatus(
          P,
          s.source,
          s.now,
          ttlSeconds,
          s.port,
          s.laneId,
          s.status,
          JSON.stringify(s.inHours),
          s.maxPriority,
        ),
      );
      return JSON.parse(raw) as LaneDecision;
    },

    async recordBooking(b: {
      bookingId: string;
      port: string;
      plate: string;
      slot: SlotWindow;
      declarationId: string | null;
      status: string;
      grossMassGrams: number | null;
      noShowAt: number;
    }): Promise<void> {
      await retriable('booking', () =>
        scripts.cwBooking(
          P,
          keyPrefix,
          b.bookingId,
          b.port,
          b.plate,
          b.slot.start,
          b.slot.end,
          b.declarationId ?? '',
          b.status,
          b.grossMassGrams ?? '',
          b.noShowAt,
          ttlSeconds,
        ),
      );
    },

    async takeNoShows(now: number, limit = 500): Promise<NoShow[]> {
      const raw = await retriable('no-show sweep', () => scripts.cwNoShows(P, keyPrefix, now, limit));
      return raw.map((s) => JSON.parse(s) as NoShow);
    },

    /**
     * Bookings of a batch of declaration amendments, by `declarationId:amendment`: the booking the
     * declaration names, else one the booking system linked to the declaration. One round trip: the
     * link and the booking are read in the same script call.
     */
    async bookings(
      keys: { declarationId: string; amendment: number; bookingId: string | null }[],
    ): Promise<Map<string, BookingRecord>> {
      type Found = [bookingId: string, plate: string, start: string, end: string, status: string] | null;
      const found = await retriable('booking lookup', () => {
        // A backlog's batches of thousands take several calls, in the same round trip.
        const calls = scriptCallSlices(keys).map((slice) => {
          const args = [P, keyPrefix];
          for (const k of slice) args.push(k.declarationId, k.bookingId ?? '');
          return scripts.cwBookings(...args) as Promise<Found[]>;
        });
        return Promise.all(calls);
      });
      const byDeclaration = new Map<string, BookingRecord>();
      found.flat().forEach((b, i) => {
        const k = keys[i]!;
        if (b)
          byDeclaration.set(`${k.declarationId}:${k.amendment}`, {
            bookingId: b[0],
            plate: b[1],
            slot: { start: Number(b[2]), end: Number(b[3]) },
            status: b[4],
          });
      });
      return byDeclaration;
    },

    /** Occupancy of the given lanes (for gauges and tests). */
    async occupancy(lanes: { port: string; laneId: string }[]): Promise<Map<string, LaneOccupancy>> {
      const pipeline = redis.pipeline();
      for (const { port, laneId } of lanes) {
        pipeline.hmget(`${P}lane:${port}:${laneId}`, 'open', 'count', 'load', 'ins');
        pipeline.zcard(`${P}lw:${port}:${laneId}`);
      }
      const values = ((await pipeline.exec()) ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
      const out = new Map<string, LaneOccupancy>();
      lanes.forEach(({ port, laneId }, i) => {
        const h = values[2 * i] as (string | null)[];
        out.set(`${port}/${laneId}`, {
          open: h[0] === null || h[0] === undefined ? null : h[0] === '1',
          count: Number(h[1] ?? 0),
          load: Number(h[2] ?? 0),
          ins: Number(h[3] ?? 0),
          waiting: Number(values[2 * i + 1] ?? 0),
        });
      });
      return out;
    },

    async heldCount(port: string): Promise<number> {
      return redis.zcard(`${P}held:${port}`);
    },

    /** Per-rule inspection counts, for hit rates: rule → inspected, findings, seizures. */
    async ruleStats(): Promise<Map<string, { inspected: number; findings: number; seizures: number }>> {
      const hash = await redis.hgetall(`${P}rulestats`);
      const out = new Map<string, { inspected: number; findings: number; seizures: number }>();
      for (const [field, value] of Object.entries(hash)) {
        const cut = field.lastIndexOf('|');
        const rule = field.slice(0, cut);
        const what = field.slice(cut + 1) as 'inspected' | 'findings' | 'seizures';
        const entry = out.get(rule) ?? { inspected: 0, findings: 0, seizures: 0 };
        entry[what] = Number(value);
        out.set(rule, entry);
      }
      return out;
    },
  };
}

export type DispatchStore = ReturnType<typeof createDispatchStore>;
