// A simulated inspection lane: its service time per inspection (from the ports file, as the dispatcher
// plans with it) and its servers (capacity), each taking the next truck when free.
import type { InspectionLevel } from '@clearway/schemas';

export type InspectedLevel = Exclude<InspectionLevel, 'RELEASE'>;

export interface LaneTimes {
  capacity: number;
  serviceMinutes: Partial<Record<InspectedLevel, number>>;
  serviceMinutesByClass: Record<string, Partial<Record<InspectedLevel, number>>>;
}

/** Used when the lane has no figure for the level (the dispatcher would not normally send it there). */
export const defaultServiceMinutes: Readonly<Record<InspectedLevel, number>> = {
  DOCUMENTARY: 10,
  SCAN: 15,
  PHYSICAL: 60,
};

export function serviceMinutesFor(lane: LaneTimes, freightClass: string, level: InspectionLevel): number {
  if (level === 'RELEASE') return 0;
  return (
    lane.serviceMinutesByClass[freightClass]?.[level] ??
    lane.serviceMinutes[level] ??
    defaultServiceMinutes[level]
  );
}

export interface PlannedInspection {
  server: number;
  /** Wall-clock ms. */
  startAt: number;
  endAt: number;
}

/**
 * Puts the inspection on the server that frees up first; `serversFreeAt` (wall-clock ms per server) is
 * updated. The service time is simulated minutes divided by the time compression.
 */
export function planInspection(
  serversFreeAt: number[],
  now: number,
  serviceMinutes: number,
  compression: number,
): PlannedInspection {
  let server = 0;
  for (let s = 1; s < serversFreeAt.length; s++) if (serversFreeAt[s]! < serversFreeAt[server]!) server = s;
  const startAt = Math.max(now, serversFreeAt[server] ?? now);
  const endAt = startAt + (serviceMinutes * 60_000) / compression;
  serversFreeAt[server] = endAt;
  return { server, startAt, endAt };
}
