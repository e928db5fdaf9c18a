// First: patches kafkajs's encoder, checksum and partitioning before kafkajs loads, and its request
// queue (see the modules), replaces its record decoder, adds group fencing to its transactions and
// keeps the coordinators it finds.
import './kafkajs-encoder-patch.ts';
import './kafkajs-crc32c-patch.ts';
import './kafkajs-partitioning-patch.ts';
// Before anything loads kafkajs's record batch decoder (the group fencing patch does), which keeps
// the record decoder it found.
import './kafkajs-record-decoder-patch.ts';
import './kafkajs-request-queue-patch.ts';
import './kafkajs-group-fencing.ts';
import './kafkajs-coordinator-cache.ts';
import './kafkajs-concurrent-transactions-patch.ts';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { ConfigError, checkKafkaSasl, type KafkaSettings } from '@clearway/config';
import type { Logger } from '@clearway/observability';
import { withCompression } from './compression.ts';
import { kafkajsLogLevel } from './kafkajs-log-level.ts';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A kafkajs client from settings: SASL/SCRAM and TLS are configuration; retries back off exponentially;
 * its producers compress as KAFKA_COMPRESSION says.
 */
export function createKafka(settings: KafkaSettings, logger: Logger, clientId?: string): Kafka {
  const saslProblem = checkKafkaSasl(settings);
  if (saslProblem) throw new ConfigError([{ setting: 'KAFKA_SASL_*', message: saslProblem }]);
  const config: KafkaConfig = {
    clientId: clientId ?? settings.KAFKA_CLIENT_ID,
    brokers: settings.KAFKA_BROKERS,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, maxRetryTime: 10_000, retries: 12, factor: 0.2, multiplier: 2 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        logger[kafkajsLogLevel(namespace, levels[level] ?? 'info', log)](
          { kafkajs: namespace, ...extra },
          message,
        );
      },
  };
  if (settings.KAFKA_TLS) {
    config.ssl = {
      rejectUnauthorized: settings.KAFKA_TLS_REJECT_UNAUTHORIZED,
      ...(settings.KAFKA_TLS_CA_FILE ? { ca: [readFileSync(settings.KAFKA_TLS_CA_FILE, 'utf8')] } : {}),
    };
  }
  if (settings.KAFKA_SASL_MECHANISM && settings.KAFKA_SASL_USERNAME && settings.KAFKA_SASL_PASSWORD) {
    config.sasl = {
      mechanism: settings.KAFKA_SASL_MECHANISM,
      username: settings.KAFKA_SASL_USERNAME,
      password: settings.KAFKA_SASL_PASSWORD.reveal(),
    } as SASLOptions;
  }
  return withCompression(new Kafka(config), settings.KAFKA_COMPRESSION);
}
