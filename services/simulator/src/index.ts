// Package entry: the pure traffic generator and ground truth, for tests and tools.
export {
  createSimulator,
  simulatedEvents,
  ports,
  type Simulator,
  type SimEvent,
  type Shipment,
} from './domain/generator.ts';
export { inspectionFindings, truthFromHash, truthToHash, type GroundTruth } from './domain/ground-truth.ts';
export { trafficProfiles, hourlyTrucks, type TrafficProfile } from './domain/traffic-profile.ts';
