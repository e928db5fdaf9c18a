// Package entry: the lane client for terminals, and the pure dispatch domain for tools and tests.
export {
  createLaneClient,
  concernsLanes,
  type LaneClient,
  type ResultInput,
} from './lane-client/lane-client.ts';
export { parsePortsConfig, type PortsConfig, type InspectedLevel } from './domain/ports-config.ts';
export { chooseLane, capableLanes, expectedWait, lanesInHours, serviceMinutes } from './domain/lanes.ts';
export { planBooking, type BookingPolicy } from './domain/booking.ts';
export { clearanceFromResult } from './domain/events.ts';
