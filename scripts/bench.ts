// `npm run bench:<name>`: runs one benchmark on the project's Node with its dependencies installed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@clearway/infra';

const benches: Record<string, string> = {
  rules: 'services/categoriser/bench/rules.bench.ts',
  categoriser: 'services/categoriser/bench/service.bench.ts',
  dispatcher: 'services/dispatcher/bench/dispatch.bench.ts',
  selection: 'services/simulator/bench/selection.bench.ts',
  e2e: 'test/bench/e2e.bench.ts',
  replay: 'services/auditor/bench/replay.bench.ts',
};
const [name, ...rest] = process.argv.slice(2);
const file = name ? benches[name] : undefined;
if (!file) {
  console.error(`usage: bench <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
const result = spawnSync(join(repoRoot, 'node_modules', '.bin', 'node'), [join(repoRoot, file), ...rest], {
  stdio: 'inherit',
  env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' },
});
process.exit(result.status ?? 1);
