// What the auditor reads: each decoded event with where it sits in the log, so every finding can
// point at a topic, partition and offset.
import type { InspectionLevel } from '@clearway/schemas';

export interface RecordLocation {
  topic: string;
  partition: number;
  offset: string;
  /** Broker timestamp of the record (epoch ms): what the time window is judged against. */
  timestamp: number;
}

export interface Located<T> {
  value: T;
  at: RecordLocation;
}

export interface CorruptRecord extends RecordLocation {
  reason: string;
}

export interface TimeWindow {
  from: number;
  to: number;
}

export const inWindow = (window: TimeWindow, timestamp: number): boolean =>
  timestamp >= window.from && timestamp < window.to;

/** One key per declaration amendment, as the assessment id spells it. */
export const amendmentKey = (declarationId: string, amendment: number): string =>
  `${declarationId}:${amendment}`;

export const levels: readonly InspectionLevel[] = ['RELEASE', 'DOCUMENTARY', 'SCAN', 'PHYSICAL'];

export const emptyLevelCounts = (): Record<InspectionLevel, number> => ({
  RELEASE: 0,
  DOCUMENTARY: 0,
  SCAN: 0,
  PHYSICAL: 0,
});

export const where = (at: RecordLocation): string => `${at.topic}[${at.partition}]@${at.offset}`;

const HOUR = 3_600_000;
export const hourOf = (timestamp: number): number => Math.floor(timestamp / HOUR) * HOUR;
