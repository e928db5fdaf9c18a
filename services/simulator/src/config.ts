import { join } from 'node:path';
import { z } from 'zod';
import { kafkaSettings, observabilitySettings, redisSettings, registrySettings } from '@clearway/config';
import { profileNames } from './domain/traffic-profile.ts';

const serviceRoot = join(import.meta.dirname, '..');

const shared = kafkaSettings
  .extend(registrySettings.shape)
  .extend(redisSettings.shape)
  .extend(observabilitySettings.shape)
  .extend({
    SIM_PORT: z.enum(['KHORGOS', 'ALASHANKOU']).default('KHORGOS'),
    /** Simulated seconds per wall-clock second: 288 plays a day in 5 minutes. */
    SIM_COMPRESSION: z.coerce.number().positive().max(1_000_000).default(288),
    TOPIC_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9._-]*$/)
      .default(''),
    REDIS_KEY_PREFIX: z.string().default('cw:'),
  });

/** Every setting the traffic simulator reads; parsed once at start-up. */
export const simulatorConfig = shared.extend({
  SIM_PROFILE: z.enum(profileNames).default('record'),
  /** Declarations per second on the day's average; overrides SIM_COMPRESSION, keeps the profile's shape. */
  SIM_RATE: z.coerce.number().positive().optional(),
  SIM_SEED: z.string().min(1).default('clearway'),
  /** Stop after this many wall-clock seconds (runs until stopped otherwise). */
  SIM_DURATION_S: z.coerce.number().positive().optional(),
  SIM_NON_COMPLIANT_SHARE: z.coerce.number().min(0).max(0.9).default(0.08),
  /** Simulated start (ISO date-time); local midnight of today at the port otherwise. */
  SIM_START: z.iso.datetime({ offset: true }).optional(),
  /** Part of every declaration and booking id, so two runs of the same day never reuse ids. */
  SIM_RUN_ID: z
    .string()
    .regex(/^[A-Z0-9]{1,8}$/)
    .optional(),
  /** How long the ground truth stays in Redis. */
  TRUTH_TTL_S: z.coerce
    .number()
    .int()
    .positive()
    .default(14 * 86_400),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9470),
});

/** Settings of the simulated inspection lanes. */
export const lanesConfig = shared.extend({
  /** The dispatcher's ports file: lanes, capacities and service times. */
  PORTS_PATH: z
    .string()
    .min(1)
    .default(join(serviceRoot, '..', 'dispatcher', 'ports', 'ports.yaml')),
  /** Comma-separated lane ids to serve; every lane of SIM_PORT when unset. */
  SIM_LANES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .optional(),
  /**
   * A fixed consumer group instead of a new one per start: a restart then resumes after the group's
   * commits and does not take up the trucks the stopped run had in hand (see lanes-main.ts).
   */
  LANES_GROUP_ID: z.string().min(1).optional(),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9471),
});

export type SimulatorConfig = z.infer<typeof simulatorConfig>;
export type LanesConfig = z.infer<typeof lanesConfig>;
