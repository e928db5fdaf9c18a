// What the atomic Redis scripts decide and store under the input record's idempotency marker.
// The events are composed from these by events.ts, so a replayed record (whose earlier outputs
// were never committed) yields byte-for-byte the same events: `now` is part of the decision.
import type { InspectionLevel } from '@clearway/schemas';
import type { BookingPlan } from './booking.ts';
import type { Candidate } from './lanes.ts';

/** Everything about a truck the dispatcher keeps from its assessment (stored as JSON in Redis). */
export interface TruckInfo {
  assessmentId: string;
  declarationId: string;
  amendment: number;
  port: string;
  freightClass: string;
  level: InspectionLevel;
  plate: string;
  submittedAt: number;
  rulesetVersion: string;
  summary: string;
  /** Ids of rules that fired; the random control share counts as `random-control`. */
  rules: string[];
  /** Traders whose history the inspection result updates (from the assessment's routing facts). */
  traders: string[];
  sampled: boolean;
  /** Capabilities the inspection needs, for the assignment's reason. */
  needs: string[];
  booking: BookingPlan;
  candidates: Candidate[];
}

/** A truck placed on a lane, moved, or held because no capable lane is open. */
export interface Move {
  /** TruckInfo JSON. */
  info: string;
  from: string | null;
  fromAsg: string | null;
  /** Null: held. */
  to: string | null;
  asg: string | null;
  ahead: number;
  wait: number;
  cap: number;
  considered: number;
  /** Which interim hold this is for the truck (numbers held outcomes), 0 when placed. */
  hold: number;
  /** Booking priority was asked for but the lane's priority quota was full. */
  priLimited: boolean;
}

export interface Superseded {
  info: string;
  lane: string | null;
  asg: string | null;
}

export type DispatchDecision =
  | { k: 'dup'; of: string }
  | { k: 'stale'; latest: number; now: number }
  | { k: 'release'; now: number; sup: Superseded | null }
  | { k: 'place'; now: number; sup: Superseded | null; move: Move };

export type CompleteDecision =
  | { k: 'reject'; code: 'DUPLICATE' | 'REJECTED'; reason: string }
  | { k: 'done'; now: number; info: string; lane: string; asg: string };

export interface LaneDecision {
  k: 'lane';
  now: number;
  status: 'OPEN' | 'CLOSED';
  moves: Move[];
}

/** cjson encodes an empty Lua table as `{}`: read lists defensively. */
export const asList = <T>(value: T[] | Record<string, never> | null | undefined): T[] =>
  Array.isArray(value) ? value : [];
