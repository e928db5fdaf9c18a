// Runs a service's entry point as a real child process, the way it runs in production, so tests and
// benchmarks can stop it gracefully or kill -9 it at any point.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@clearway/infra';

export interface ServiceProcess {
  child: ChildProcess;
  /** What the process printed (the last 100,000 characters, so long runs stay bounded). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const OUTPUT_KEPT = 100_000;

/** Starts `file` (relative to the repository root) on the project's Node with only `env` and PATH/HOME. */
export function startNodeProcess(file: string, env: Record<string, string>): ServiceProcess {
  const node = join(repoRoot, 'node_modules', '.bin', 'node');
  const child = spawn(node, [join(repoRoot, file)], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      LOG_LEVEL: 'warn',
      HTTP_PORT: '0',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-OUTPUT_KEPT));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `services/<service>/src/main.ts`. */
export function startService(service: string, env: Record<string, string>): ServiceProcess {
  return startNodeProcess(join('services', service, 'src', 'main.ts'), env);
}
