// Finds or starts the Kafka broker, schema registry and Redis that the pipeline and its tests use:
//   1. explicit endpoints (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL) win;
//   2. else, where a Docker engine answers, testcontainers starts the same images as compose;
//   3. else the Docker-free local stack (infra/local/stack.sh) fetches and starts them here.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface StackEndpoints {
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  REDIS_URL: string;
}

export interface ResolvedStack {
  endpoints: StackEndpoints;
  source: 'environment' | 'testcontainers' | 'local';
  /** Stops what this call started (containers); the local stack is left running for reuse. */
  stop(): Promise<void>;
}

export const repoRoot = join(import.meta.dirname, '..', '..');
export const localStackScript = join(repoRoot, 'infra', 'local', 'stack.sh');
export const stackImages = {
  kafka: 'apache/kafka:4.1.1',
  registry: 'apicurio/apicurio-registry:3.0.9',
  redis: 'redis:7-alpine',
};

function dockerReachable(): boolean {
  if (!existsSync('/var/run/docker.sock') && !process.env['DOCKER_HOST']) return false;
  const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    timeout: 10_000,
    stdio: 'pipe',
  });
  return probe.status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startContainers(): Promise<ResolvedStack> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const kafkaPort = await freePort();
  const kafka = await new GenericContainer(stackImages.kafka)
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const registry = await new GenericContainer(stackImages.registry)
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .start();
  const redis = await new GenericContainer(stackImages.redis).withExposedPorts(6379).start();
  return {
    source: 'testcontainers',
    endpoints: {
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      SCHEMA_REGISTRY_URL: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
      REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    },
    stop: async () => {
      await Promise.all([kafka.stop(), registry.stop(), redis.stop()]);
    },
  };
}

function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

async function startLocalStack(env: Record<string, string | undefined>): Promise<ResolvedStack> {
  const result = await run('bash', [localStackScript, 'start'], {
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 20 * 60_000,
  }).catch((error: { stderr?: string; message: string }) => {
    throw new Error(`local stack failed to start:\n${error.stderr ?? error.message}`);
  });
  if (result.stderr) process.stderr.write(result.stderr);
  const endpoints = parseEnvFile(result.stdout);
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = endpoints;
  if (!KAFKA_BROKERS || !SCHEMA_REGISTRY_URL || !REDIS_URL)
    throw new Error(`local stack printed no endpoints:\n${result.stdout}`);
  return {
    source: 'local',
    endpoints: { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL },
    stop: async () => undefined,
  };
}

/** Resolves the stack per the order above. `env` is the caller's environment (explicit overrides). */
export async function ensureStack(env: Record<string, string | undefined>): Promise<ResolvedStack> {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = env;
  if (KAFKA_BROKERS && SCHEMA_REGISTRY_URL && REDIS_URL)
    return {
      source: 'environment',
      endpoints: { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL },
      stop: async () => undefined,
    };
  if (KAFKA_BROKERS || SCHEMA_REGISTRY_URL || REDIS_URL)
    throw new Error('set all of KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL, or none to start a stack');
  if (env['CLEARWAY_STACK'] !== 'local' && dockerReachable()) return startContainers();
  return startLocalStack(env);
}

/** Reads the endpoints the local stack last wrote, if it is running. */
export function localStackEndpoints(): StackEndpoints | undefined {
  const file = join(repoRoot, '.local', 'stack', 'stack.env');
  if (!existsSync(file)) return undefined;
  const e = parseEnvFile(readFileSync(file, 'utf8'));
  return e['KAFKA_BROKERS'] && e['SCHEMA_REGISTRY_URL'] && e['REDIS_URL']
    ? {
        KAFKA_BROKERS: e['KAFKA_BROKERS'],
        SCHEMA_REGISTRY_URL: e['SCHEMA_REGISTRY_URL'],
        REDIS_URL: e['REDIS_URL'],
      }
    : undefined;
}
