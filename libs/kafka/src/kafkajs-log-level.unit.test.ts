import { createRequire } from 'node:module';
import { kafkajsLogLevel } from './kafkajs-log-level.ts';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode: (code: number) => Error & { type: string };
};

/** What kafkajs's connection logs when a response carries the Kafka error `code`. */
const responseError = (code: number) => ({
  message: 'Response GroupCoordinator(key: 10, version: 2)',
  error: createErrorFromCode(code).message,
  correlationId: 3,
  size: 55,
});

describe('kafkajsLogLevel', () => {
  test('a coordinator still loading or not yet available is INFO: kafkajs retries it', () => {
    expect(createErrorFromCode(14).type).toBe('GROUP_LOAD_IN_PROGRESS');
    expect(kafkajsLogLevel('Connection', 'error', responseError(14))).toBe('info');
    expect(createErrorFromCode(15).type).toBe('GROUP_COORDINATOR_NOT_AVAILABLE');
    expect(kafkajsLogLevel('Connection', 'error', responseError(15))).toBe('info');
    expect(createErrorFromCode(51).type).toBe('CONCURRENT_TRANSACTIONS');
    expect(kafkajsLogLevel('Connection', 'error', responseError(51))).toBe('info');
  });

  test('other error responses stay ERROR, storage errors too although kafkajs retries them', () => {
    expect(createErrorFromCode(25).type).toBe('UNKNOWN_MEMBER_ID');
    expect(kafkajsLogLevel('Connection', 'error', responseError(25))).toBe('error');
    expect(createErrorFromCode(56).type).toBe('KAFKA_STORAGE_ERROR');
    expect(kafkajsLogLevel('Connection', 'error', responseError(56))).toBe('error');
  });

  test('only the connection’s response entries are re-levelled', () => {
    const entry = responseError(14);
    expect(kafkajsLogLevel('Consumer', 'error', entry)).toBe('error');
    expect(kafkajsLogLevel('Connection', 'error', { ...entry, message: 'Connection error' })).toBe('error');
    expect(kafkajsLogLevel('Connection', 'warn', entry)).toBe('warn');
  });
});
