// What the dispatcher keeps about a truck, from its assessment (and the routing facts it carries) and
// its booking.
import type { SlotWindow } from '@clearway/schemas';
import { planBooking, type BookingPolicy } from './booking.ts';
import type { TruckInfo } from './decisions.ts';
import type { DispatchedAssessment } from './dispatched-assessment.ts';
import { capableLanes, requiredCapabilities } from './lanes.ts';
import type { PortConfig, PortsConfig } from './ports-config.ts';

/** The selection a sampled truck counts towards in hit rates. */
export const randomControlRule = 'random-control';

/** Rules whose selection sent the truck to inspection (freight-class rules only classify). */
export function selectingRules(a: Pick<DispatchedAssessment, 'firedRules' | 'sampled'>): string[] {
  const ids = new Set(a.firedRules.filter((r) => r.kind !== 'FREIGHT_CLASS').map((r) => r.ruleId));
  if (a.sampled) ids.add(randomControlRule);
  return [...ids];
}

export function truckInfo(input: {
  assessment: DispatchedAssessment;
  config: PortsConfig;
  port: PortConfig;
  plate: string | null;
  booking: { bookingId: string; slot: SlotWindow } | null;
  arrivedAt: number;
  policy: BookingPolicy;
}): TruckInfo {
  const { assessment: a, config, port } = input;
  const inspected = a.inspectionLevel !== 'RELEASE';
  return {
    assessmentId: a.assessmentId,
    declarationId: a.declarationId,
    amendment: a.amendment,
    port: a.port,
    freightClass: a.freightClass,
    level: a.inspectionLevel,
    plate: input.plate ?? 'UNKNOWN',
    submittedAt: a.submittedAt,
    rulesetVersion: a.rulesetVersion,
    summary: a.decision.summary,
    rules: selectingRules(a),
    traders: a.routing?.traders ?? [],
    sampled: a.sampled,
    needs:
      a.inspectionLevel === 'RELEASE' ? [] : requiredCapabilities(config, a.freightClass, a.inspectionLevel),
    booking: planBooking(input.booking, input.arrivedAt, input.policy),
    candidates: inspected ? capableLanes(config, port, a.freightClass, a.inspectionLevel) : [],
  };
}
