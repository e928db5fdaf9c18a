// `npm start`: the whole pipeline on a local stack with sample traffic and a live terminal view.
//   npm start -- [--port KHORGOS|ALASHANKOU] [--profile record|typical] [--rate N] [--compression N]
//                [--duration SECONDS] [--fresh]
// Brings up Kafka, the schema registry and Redis when no endpoints are configured, provisions topics
// and schemas, starts every service that exists, the simulator and simulated lanes, and shows
// throughput, inspection levels, lane queues, clearance times and dead letters. Ctrl-C stops all.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { kafkaSettings, parseConfig, registrySettings } from '@clearway/config';
import { ensureStack, loadTopicCatalogue, repoRoot, topicNames } from '@clearway/infra';
import { createAvroSerde, createKafka, createSchemaRegistry, provisionTopics } from '@clearway/kafka';
import { createLogger } from '@clearway/observability';
import { createLiveView } from './live-view.ts';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: 'KHORGOS' },
    profile: { type: 'string', default: 'record' },
    rate: { type: 'string' },
    compression: { type: 'string', default: '288' },
    duration: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  },
});
if (!['KHORGOS', 'ALASHANKOU'].includes(options.port)) {
  console.error(`--port must be KHORGOS or ALASHANKOU (got ${options.port})`);
  process.exit(2);
}

const localStack = join(repoRoot, 'infra', 'local', 'stack.sh');
// Stopped at the end only if none of it was running before: a part that was (even one that had died
// and is restarted now) belongs to whoever started it, and a status check slowed down by a busy
// machine must not take a user's stack down.
const stackStatus = spawnSync('bash', [localStack, 'status'], { encoding: 'utf8' }).stdout ?? '';
const startedStackHere = !/\b(up|starting)\b/.test(stackStatus);
console.log(
  '[clearway] bringing up the stack (first run downloads Kafka and builds the registry: a few minutes)...',
);
const stack = await ensureStack({ ...process.env });
console.log(`[clearway] stack (${stack.source}): ${Object.values(stack.endpoints).join('  ')}`);

// A fresh run gets its own topic prefix, so old demo data does not mix in.
const prefix = options.fresh ? `demo-${Date.now()}.` : '';
const topics = topicNames(prefix);
const logger = createLogger('start', 'warn');
const settings = parseConfig(kafkaSettings.extend(registrySettings.shape), { ...stack.endpoints });
const kafka = createKafka(settings, logger, 'clearway-start');
const admin = kafka.admin();
await admin.connect();
const catalogue = loadTopicCatalogue().map((t) => ({ ...t, name: `${prefix}${t.name}` }));
const serde = createAvroSerde(createSchemaRegistry(settings), catalogue);
await provisionTopics({ admin, serde, catalogue, logger });
console.log(`[clearway] ${catalogue.length} topics and schemas provisioned`);

const logDir = join(repoRoot, '.local', 'logs');
mkdirSync(logDir, { recursive: true });
const node = join(repoRoot, 'node_modules', '.bin', 'node');
const children: { name: string; child: ChildProcess; httpPort: number }[] = [];
const baseEnv = {
  ...process.env,
  ...stack.endpoints,
  TOPIC_PREFIX: prefix,
  LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  SIM_PORT: options.port,
  SIM_PROFILE: options.profile,
  SIM_COMPRESSION: options.compression,
  // Each demo run gets its own ids: the categoriser rightly refuses a declaration it has seen.
  SIM_RUN_ID: Date.now().toString(36).slice(-6).toUpperCase(),
  ...(options.rate ? { SIM_RATE: options.rate } : {}),
};
const launch = (name: string, entry: string, httpPort: number) => {
  if (!existsSync(entry)) return;
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(node, [entry], {
    env: { ...baseEnv, HTTP_PORT: String(httpPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  child.on('exit', (code, signal) => {
    if (!shuttingDown)
      console.error(`[clearway] ${name} exited (${signal ?? code}); see .local/logs/${name}.log`);
  });
  children.push({ name, child, httpPort });
};
const service = (name: string, file = 'main.ts') => join(repoRoot, 'services', name, 'src', file);
launch('categoriser', service('categoriser'), 9464);
launch('dispatcher', service('dispatcher'), 9465);
launch('lanes', service('simulator', 'lanes-main.ts'), 9467);
launch('simulator', service('simulator'), 9466);
console.log(`[clearway] started: ${children.map((c) => c.name).join(', ')} (logs in .local/logs/)`);

const view = await createLiveView({
  kafka,
  serde,
  topics,
  port: options.port,
  services: children,
  stackSource: stack.source,
  compression: Number(options.compression),
});

let shuttingDown = false;
const shutdown = async () => {
  if (shuttingDown) return;
  shuttingDown = true;
  view.stop();
  console.log('\n[clearway] stopping services...');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  await view.close();
  await admin.disconnect();
  if (stack.source === 'local' && startedStackHere) {
    console.log('[clearway] stopping the local stack...');
    spawnSync('bash', [localStack, 'stop'], { stdio: 'inherit' });
  } else await stack.stop();
  console.log('[clearway] stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
if (options.duration) setTimeout(() => void shutdown(), Number(options.duration) * 1000);
