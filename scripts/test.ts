// `npm test`: unit tests (no I/O), then integration and end-to-end tests against a real Kafka,
// schema registry and Redis (explicit endpoints, else testcontainers, else the local stack).
//   npm test                 everything
//   npm test -- --unit       unit tier only
//   npm test -- --integration [jest args]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStack, repoRoot } from '@clearway/infra';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const integrationOnly = args.includes('--integration');
const passThrough = args.filter((a) => a !== '--unit' && a !== '--integration');
const projects = unitOnly ? ['unit'] : integrationOnly ? ['integration'] : ['unit', 'integration'];

const env: Record<string, string | undefined> = { ...process.env };
let stopStack = async () => undefined as void;
if (projects.includes('integration')) {
  const tools = spawnSync('bash', [join(repoRoot, 'infra', 'local', 'ensure-tools.sh')], {
    stdio: 'inherit',
  });
  if (tools.status !== 0) process.exit(1);
  const started = Date.now();
  const stack = await ensureStack(env);
  stopStack = () => stack.stop();
  Object.assign(env, stack.endpoints);
  console.log(
    `[clearway] stack (${stack.source}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
      `${stack.endpoints.KAFKA_BROKERS} ${stack.endpoints.SCHEMA_REGISTRY_URL} ${stack.endpoints.REDIS_URL}`,
  );
}

const reportDir = join(repoRoot, '.local', 'reports');
mkdirSync(reportDir, { recursive: true });
const reportFile = join(reportDir, 'jest.json');
// kafkajs warns about its v2 partitioner change on every producer; the project always chose the default.
env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
env['NODE_OPTIONS'] = [env['NODE_OPTIONS'], '--experimental-vm-modules', '--no-warnings']
  .filter(Boolean)
  .join(' ');

const code = await new Promise<number>((resolve) => {
  const jest = spawn(
    join(repoRoot, 'node_modules', '.bin', 'jest'),
    // --forceExit: a kafkajs socket closing late must not keep CI waiting after the last test.
    ['--selectProjects', ...projects, '--forceExit', '--json', `--outputFile=${reportFile}`, ...passThrough],
    { stdio: 'inherit', env, cwd: repoRoot },
  );
  jest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
await stopStack();

try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
  };
  // A plain summary line that any CI reader understands, whatever the runner.
  console.log(
    `clearway: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
  );
  if (report.numPassedTests === 0 && code === 0) {
    console.error('no test ran');
    process.exit(1);
  }
} catch {
  console.error('jest wrote no report');
}
process.exit(code);
