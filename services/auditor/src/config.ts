import { join } from 'node:path';
import { z } from 'zod';
import { kafkaSettings, observabilitySettings, registrySettings } from '@clearway/config';

const serviceRoot = join(import.meta.dirname, '..');

/** Every setting the audit commands read; parsed once at start-up. */
export const auditorConfig = kafkaSettings.extend(registrySettings.shape).extend({
  LOG_LEVEL: observabilitySettings.shape.LOG_LEVEL.default('warn'),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(''),
  /** The dispatcher's ports and lanes file, for lane capacity in backtests; skipped when missing. */
  PORTS_FILE: z
    .string()
    .min(1)
    .default(join(serviceRoot, '..', 'dispatcher', 'ports', 'ports.yaml')),
});

export type AuditorConfig = z.infer<typeof auditorConfig>;
