// The declaration facts an assessment carries for the dispatcher: the truck, its booking and the
// traders whose history an inspection result updates. Carried with the decision so the dispatcher
// reads one topic and can never meet an assessment whose declaration it has not seen yet.
import type { Declaration, RoutingFacts } from '@clearway/schemas';
import { forEachDistinctTrader } from './distinct-traders.ts';

export function routingFacts(d: Declaration): RoutingFacts {
  const traders: string[] = [];
  forEachDistinctTrader(d, (t) => traders.push(t));
  return {
    tractorPlate: d.vehicle.tractorPlate,
    bookingId: d.bookingId,
    slot: d.slot === null ? null : { start: d.slot.start, end: d.slot.end },
    traders,
  };
}
