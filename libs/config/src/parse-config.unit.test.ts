import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseConfig } from './parse-config.ts';
import {
  kafkaSettings,
  redisSettings,
  registrySettings,
  checkKafkaSasl,
  stageServiceSettings,
} from './settings.ts';

const schema = kafkaSettings.extend(registrySettings.shape).extend(redisSettings.shape);
const good = {
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('parseConfig', () => {
  it('parses a good environment with defaults', () => {
    const config = parseConfig(schema, good);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.KAFKA_TLS).toBe(false);
    expect(config.KAFKA_CLIENT_ID).toBe('clearway');
  });

  it('names a missing setting', () => {
    const { REDIS_URL: _, ...env } = good;
    expect(() => parseConfig(schema, env)).toThrow(/REDIS_URL: is required but not set/);
  });

  it('names every bad setting at once', () => {
    try {
      parseConfig(schema, { ...good, KAFKA_BROKERS: 'no-port', SCHEMA_REGISTRY_URL: 'not a url' });
      throw new Error('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).settings).toEqual(
        expect.arrayContaining(['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL']),
      );
      expect((error as Error).message).toMatch(/KAFKA_BROKERS.*host:port/);
    }
  });

  it('treats an empty value as unset', () => {
    expect(() => parseConfig(schema, { ...good, KAFKA_BROKERS: '' })).toThrow(/KAFKA_BROKERS/);
  });

  it('never prints a secret, however it is printed', () => {
    const config = parseConfig(schema, {
      ...good,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'hunter2-very-secret',
    });
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(inspect(config)).not.toContain('hunter2');
    expect(`${String(config.KAFKA_SASL_PASSWORD)}`).not.toContain('hunter2');
    expect(config.KAFKA_SASL_PASSWORD?.reveal()).toBe('hunter2-very-secret');
    expect(checkKafkaSasl(config)).toBeUndefined();
  });

  it('rejects half-configured SASL', () => {
    const config = parseConfig(schema, { ...good, KAFKA_SASL_USERNAME: 'svc' });
    expect(checkKafkaSasl(config)).toMatch(/must be set together/);
  });

  it('works for service-specific settings', () => {
    const s = z.object({ BATCH_SIZE: z.coerce.number().int().positive() });
    expect(() => parseConfig(s, { BATCH_SIZE: '-3' })).toThrow(/BATCH_SIZE/);
  });

  it("bounds a stage's fetch size and leaves the default to the service", () => {
    expect(parseConfig(stageServiceSettings, good).FETCH_BYTES_PER_PARTITION).toBeUndefined();
    expect(parseConfig(stageServiceSettings, { ...good, FETCH_BYTES_PER_PARTITION: '65536' })).toMatchObject({
      FETCH_BYTES_PER_PARTITION: 65_536,
    });
    for (const bad of ['1000', '1e9', '256k'])
      expect(() => parseConfig(stageServiceSettings, { ...good, FETCH_BYTES_PER_PARTITION: bad })).toThrow(
        /FETCH_BYTES_PER_PARTITION/,
      );
  });
});
