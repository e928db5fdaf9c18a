import { join } from 'node:path';
import { z } from 'zod';
import { stageServiceSettings } from '@clearway/config';
import type { BookingPolicy } from './domain/booking.ts';

const serviceRoot = join(import.meta.dirname, '..');
const minutes = z.coerce
  .number()
  .min(0)
  .max(7 * 24 * 60);

/** Every setting the dispatcher reads; parsed once at start-up. */
export const dispatcherConfig = stageServiceSettings.extend({
  PORTS_CONFIG: z
    .string()
    .min(1)
    .default(join(serviceRoot, 'ports', 'ports.yaml')),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(''),
  GROUP_ID: z.string().min(1).default('clearway-dispatcher'),
  /** Shared with the categoriser: trader history and bookings live under this prefix. */
  REDIS_KEY_PREFIX: z.string().default('cw:'),
  /** How long idempotency markers and finished trucks are kept. */
  STATE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .default(30 * 24 * 3600),
  BOOKING_LATE_MARGIN_MINUTES: minutes.default(30),
  BOOKING_EARLY_MARGIN_MINUTES: minutes.default(120),
  BOOKING_NO_SHOW_GRACE_MINUTES: minutes.default(60),
  BOOKING_MAX_PRIORITY_WAITING_PER_LANE: z.coerce.number().int().min(0).default(10),
  /** How often bookings are checked for no-shows and lane gauges refreshed. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
});

export type DispatcherConfig = z.infer<typeof dispatcherConfig>;

export const bookingPolicy = (c: DispatcherConfig): BookingPolicy => ({
  lateMarginMinutes: c.BOOKING_LATE_MARGIN_MINUTES,
  earlyMarginMinutes: c.BOOKING_EARLY_MARGIN_MINUTES,
  noShowGraceMinutes: c.BOOKING_NO_SHOW_GRACE_MINUTES,
  maxPriorityWaitingPerLane: c.BOOKING_MAX_PRIORITY_WAITING_PER_LANE,
});
