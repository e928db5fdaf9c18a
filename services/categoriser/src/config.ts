import { join } from 'node:path';
import { z } from 'zod';
import { stageServiceSettings } from '@clearway/config';

const serviceRoot = join(import.meta.dirname, '..');

/** Every setting the categoriser reads; parsed once at start-up. */
export const categoriserConfig = stageServiceSettings.extend({
  RULESET_PATH: z
    .string()
    .min(1)
    .default(join(serviceRoot, 'rulesets', 'khorgos', 'ruleset.yaml')),
  /** How often the ruleset files are checked for a new version (0 disables reloading). */
  RULESET_POLL_MS: z.coerce.number().int().min(0).default(2_000),
  KNOWN_PORTS: z
    .string()
    .default('KHORGOS,ALASHANKOU')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(''),
  /** Defaults to `<TOPIC_PREFIX>clearway-categoriser`, so prefixed deployments never share a group. */
  GROUP_ID: z.string().min(1).optional(),
  REDIS_KEY_PREFIX: z.string().default('cw:'),
});

export type CategoriserConfig = z.infer<typeof categoriserConfig>;
