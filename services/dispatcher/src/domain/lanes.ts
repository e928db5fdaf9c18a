// Which lanes can take a truck, what each would cost it, and which one it gets. Pure: lane state
// and time come in as data. The Redis script in adapters/dispatch-scripts.ts applies the same
// choice atomically against live occupancy; this is the reference the unit tests pin down.
import type { InspectionLevel } from '@clearway/schemas';
import type { Capability, InspectedLevel, LaneConfig, PortConfig, PortsConfig } from './ports-config.ts';

/** A lane able to inspect one truck, with the numbers the atomic choice needs. */
export interface Candidate {
  lane: string;
  /** Trucks the lane serves at once. */
  cap: number;
  /** Expected service minutes for this truck's level and freight class. */
  svc: number;
  /** Open when no LaneStatus has said otherwise. */
  open0: boolean;
}

/** Live occupancy of one lane: every truck assigned and not yet done, and those in service. */
export interface LaneLoad {
  open: boolean;
  count: number;
  /** Sum of expected service minutes of all trucks at the lane. */
  load: number;
  ins: number;
  insLoad: number;
  /** Waiting trucks with booking priority, and their minutes. */
  pri: number;
  priLoad: number;
}

export const emptyLoad = (open = true): LaneLoad => ({
  open,
  count: 0,
  load: 0,
  ins: 0,
  insLoad: 0,
  pri: 0,
  priLoad: 0,
});

export function requiredCapabilities(
  config: PortsConfig,
  freightClass: string,
  level: InspectedLevel,
): Capability[] {
  const { byLevel, byFreightClass } = config.requirements;
  const needs = new Set(byLevel[level] ?? []);
  if (byFreightClass.appliesTo.includes(level))
    for (const c of byFreightClass.classes[freightClass] ?? []) needs.add(c);
  return [...needs];
}

export function serviceMinutes(lane: LaneConfig, freightClass: string, level: InspectedLevel): number | null {
  return lane.serviceMinutesByClass[freightClass]?.[level] ?? lane.serviceMinutes[level] ?? null;
}

/** Lanes of the port whose capabilities cover the inspection, in configuration order. */
export function capableLanes(
  config: PortsConfig,
  port: PortConfig,
  freightClass: string,
  level: InspectionLevel,
): Candidate[] {
  if (level === 'RELEASE') return [];
  const needs = requiredCapabilities(config, freightClass, level);
  const out: Candidate[] = [];
  for (const lane of port.lanes) {
    if (!needs.every((c) => lane.capabilities.includes(c))) continue;
    const svc = serviceMinutes(lane, freightClass, level);
    if (svc === null) continue; // capable on paper but no service time configured: not offered
    out.push({ lane: lane.id, cap: lane.capacity, svc, open0: lane.initiallyOpen });
  }
  return out;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the lane's opening hours include the instant `at` (epoch ms), in the port's local time. */
export function withinHours(lane: LaneConfig, utcOffsetMinutes: number, at: number): boolean {
  if (lane.hours === '24h') return true;
  const dayMinutes = 24 * 60;
  const local = (((Math.floor(at / 60_000) + utcOffsetMinutes) % dayMinutes) + dayMinutes) % dayMinutes;
  return lane.hours.some(({ from, to }) => {
    const f = minutesOf(from);
    const t = minutesOf(to);
    return f <= t ? local >= f && local < t : local >= f || local < t; // a window may cross midnight
  });
}

/** Ids of the port's lanes within opening hours at `at`. */
export function lanesInHours(port: PortConfig, at: number): string[] {
  return port.lanes.filter((l) => withinHours(l, port.utcOffsetMinutes, at)).map((l) => l.id);
}

/**
 * Expected wait before service starts, in minutes: the work ahead of the truck spread over the
 * lane's parallel places. A truck with booking priority waits only behind trucks in service and
 * other priority trucks; everyone else waits behind everything at the lane.
 */
export function expectedWait(
  load: LaneLoad,
  cap: number,
  priority: boolean,
): { ahead: number; minutes: number } {
  return priority
    ? { ahead: load.ins + load.pri, minutes: (load.insLoad + load.priLoad) / cap }
    : { ahead: load.count, minutes: load.load / cap };
}

export interface LaneChoice {
  lane: string;
  ahead: number;
  waitMinutes: number;
  /** Open capable lanes compared. */
  considered: number;
}

/**
 * The open, in-hours candidate with the least expected wait; ties go to the shorter service time,
 * then to configuration order. Null when no capable lane is open.
 */
export function chooseLane(
  candidates: Candidate[],
  loads: ReadonlyMap<string, LaneLoad>,
  inHours: ReadonlySet<string>,
  priority: boolean,
): LaneChoice | null {
  let best: (LaneChoice & { svc: number }) | null = null;
  let considered = 0;
  for (const c of candidates) {
    const load = loads.get(c.lane) ?? emptyLoad(c.open0);
    if (!load.open || !inHours.has(c.lane)) continue;
    considered++;
    const wait = expectedWait(load, c.cap, priority);
    if (!best || wait.minutes < best.waitMinutes || (wait.minutes === best.waitMinutes && c.svc < best.svc))
      best = { lane: c.lane, ahead: wait.ahead, waitMinutes: wait.minutes, considered: 0, svc: c.svc };
  }
  return best ? { lane: best.lane, ahead: best.ahead, waitMinutes: best.waitMinutes, considered } : null;
}
