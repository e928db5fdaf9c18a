// Setting fragments shared by every service. Connecting to a secured cluster is configuration:
// SASL/SCRAM and TLS for Kafka, basic auth for the registry, ACL user and TLS for Redis.
import { z } from 'zod';
import { Secret } from './secret.ts';

const secret = z
  .string()
  .min(1)
  .transform((v) => new Secret(v));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1));

export const kafkaSettings = z.object({
  KAFKA_BROKERS: list.describe('comma-separated host:port list'),
  KAFKA_CLIENT_ID: z.string().min(1).default('clearway'),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512', 'plain']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: secret.optional(),
  KAFKA_TLS: bool.default(false),
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  KAFKA_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  /**
   * Compression of every record batch Clearway produces; none by default. zstd shrinks batches of
   * assessments 4–8 times, which pays where the brokers are across a network; on one 2-core machine
   * it measured no faster and made replay ~10 % dearer (decompression).
   */
  KAFKA_COMPRESSION: z.enum(['none', 'gzip', 'zstd']).default('none'),
});

export const registrySettings = z.object({
  SCHEMA_REGISTRY_URL: z.url(),
  SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD: secret.optional(),
});

export const redisSettings = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected redis:// or rediss:// URL'),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: secret.optional(),
  REDIS_TLS: bool.default(false),
});

export const observabilitySettings = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
});

/** How a service's Kafka stage runs (the categoriser's and the dispatcher's; see the stage runner). */
export const stageSettings = z.object({
  /**
   * This process among the group's members (its transactional id); defaults to the host name. Keep
   * it across restarts; give each process on the same host its own.
   */
  INSTANCE_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/)
    .optional(),
  /** Partition batches handled at once; default every input partition. */
  PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(256).optional(),
  /** Longest a handled batch waits for the rest of its fetch to share a commit; default 30 ms. */
  COMMIT_LINGER_MS: z.coerce.number().int().min(0).max(1_000).optional(),
  /**
   * Most bytes of one partition fetched at once (Kafka's max.partition.fetch.bytes), so the largest
   * batch handled at once; each service has its own default.
   */
  FETCH_BYTES_PER_PARTITION: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .max(64 * 1024 * 1024)
    .optional(),
});

/**
 * Every shared setting of a Kafka stage service (the categoriser, the dispatcher): broker, registry,
 * Redis, logs and metrics, and how its stage runs. Each service extends it with its own.
 */
export const stageServiceSettings = kafkaSettings
  .extend(registrySettings.shape)
  .extend(redisSettings.shape)
  .extend(observabilitySettings.shape)
  .extend(stageSettings.shape);

export const port = z.coerce.number().int().min(1).max(65535);
export { bool as booleanSetting };

export type KafkaSettings = z.infer<typeof kafkaSettings>;
export type RegistrySettings = z.infer<typeof registrySettings>;
export type RedisSettings = z.infer<typeof redisSettings>;
export type ObservabilitySettings = z.infer<typeof observabilitySettings>;
export type StageSettings = z.infer<typeof stageSettings>;

/** Cross-field checks: SASL needs a mechanism, user and password together. */
export function checkKafkaSasl(s: KafkaSettings): string | undefined {
  const parts = [s.KAFKA_SASL_MECHANISM, s.KAFKA_SASL_USERNAME, s.KAFKA_SASL_PASSWORD];
  const set = parts.filter((p) => p !== undefined).length;
  if (set !== 0 && set !== 3)
    return 'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together';
  return undefined;
}
