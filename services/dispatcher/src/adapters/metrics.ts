// The dispatcher's Prometheus metrics. Event counts are taken after a batch commits; lane gauges
// are read from Redis, so they agree across dispatcher instances.
import { Counter, Gauge, Histogram, type Registry } from '@clearway/observability';
import type { BatchEvents } from '../handlers/on-records.ts';
import type { PortsConfig } from '../domain/ports-config.ts';
import type { DispatchStore } from './dispatch-store.ts';

export function createDispatcherMetrics(registry: Registry, ports: PortsConfig) {
  const assignments = new Counter({
    name: 'clearway_dispatcher_assignments_total',
    help: 'Lane assignment events by kind, inspection level and freight class',
    labelNames: ['port', 'kind', 'level', 'freight_class'],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'clearway_dispatcher_outcomes_total',
    help: 'Clearance outcomes by decision (final=false: interim holds)',
    labelNames: ['port', 'decision', 'final'],
    registers: [registry],
  });
  const toOutcome = new Histogram({
    name: 'clearway_dispatcher_declaration_to_outcome_seconds',
    help: 'Time from declaration submission to its final clearance outcome',
    labelNames: ['port', 'lane', 'freight_class'],
    buckets: [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400],
    registers: [registry],
  });
  const queueLength = new Gauge({
    name: 'clearway_dispatcher_lane_queue_length',
    help: 'Trucks at the lane (in service and waiting)',
    labelNames: ['port', 'lane', 'state'],
    registers: [registry],
  });
  const expectedWait = new Gauge({
    name: 'clearway_dispatcher_lane_expected_wait_seconds',
    help: 'Expected wait for a truck joining the lane now',
    labelNames: ['port', 'lane'],
    registers: [registry],
  });
  const laneOpen = new Gauge({
    name: 'clearway_dispatcher_lane_open',
    help: '1 when the lane is open',
    labelNames: ['port', 'lane'],
    registers: [registry],
  });
  const held = new Gauge({
    name: 'clearway_dispatcher_held_trucks',
    help: 'Trucks held for want of an open capable lane',
    labelNames: ['port'],
    registers: [registry],
  });
  const noShows = new Counter({
    name: 'clearway_dispatcher_booking_no_shows_total',
    help: 'Bookings whose declaration never arrived',
    labelNames: ['port'],
    registers: [registry],
  });

  const lanes = ports.ports.flatMap((p) => p.lanes.map((l) => ({ port: p.code, laneId: l.id, lane: l })));

  return {
    onCommitted(events: BatchEvents) {
      for (const a of events.assignments)
        assignments.inc({
          port: a.port,
          kind: a.kind,
          level: a.inspectionLevel,
          freight_class: a.freightClass,
        });
      for (const o of events.outcomes) {
        outcomes.inc({ port: o.port, decision: o.decision, final: String(o.final) });
        if (o.final)
          toOutcome.observe(
            { port: o.port, lane: o.laneId ?? 'none', freight_class: o.freightClass },
            Math.max(0, (o.decidedAt - o.submittedAt) / 1000),
          );
      }
    },
    noShow(port: string) {
      noShows.inc({ port });
    },
    async refreshLanes(store: DispatchStore) {
      const occupancy = await store.occupancy(lanes);
      for (const { port, laneId, lane } of lanes) {
        const o = occupancy.get(`${port}/${laneId}`);
        if (!o) continue;
        queueLength.set({ port, lane: laneId, state: 'in_service' }, o.ins);
        queueLength.set({ port, lane: laneId, state: 'waiting' }, o.waiting);
        expectedWait.set({ port, lane: laneId }, o.load / lane.capacity);
        laneOpen.set({ port, lane: laneId }, (o.open ?? lane.initiallyOpen) ? 1 : 0);
      }
      for (const p of ports.ports) held.set({ port: p.code }, await store.heldCount(p.code));
    },
  };
}
