// `npm run audit -- …`, `npm run lane -- …`, `npm run rules -- …`: runs a command-line tool on the
// project's Node. When no endpoints are set in the environment and the local stack is running, its
// endpoints are used, so the tools work right after `npm start` or `npm run stack -- start`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { localStackEndpoints, repoRoot } from '@clearway/infra';

const tools: Record<string, string> = {
  audit: 'services/auditor/src/cli.ts',
  lane: 'services/dispatcher/src/lane-client/cli.ts',
  rules: 'services/categoriser/src/cli.ts',
};
const [name, ...rest] = process.argv.slice(2);
const file = name ? tools[name] : undefined;
if (!file) {
  console.error(`usage: cli <${Object.keys(tools).join('|')}> [arguments]`);
  process.exit(2);
}
const env: Record<string, string | undefined> = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const local = localStackEndpoints();
if (local && !env['KAFKA_BROKERS'] && !env['SCHEMA_REGISTRY_URL'] && !env['REDIS_URL'])
  Object.assign(env, local);
const result = spawnSync(join(repoRoot, 'node_modules', '.bin', 'node'), [join(repoRoot, file), ...rest], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
