// Runs a service's main.ts as a real child process, the way it runs in production, so tests can
// stop it gracefully or kill -9 it at any point.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@clearway/infra';

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startService(service: string, env: Record<string, string>): ServiceProcess {
  const node = join(repoRoot, 'node_modules', '.bin', 'node');
  // kafkajs 2.2 sets a negative timer on recent Node versions; the warning is noise, not a fault.
  const child = spawn(
    node,
    ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services', service, 'src', 'main.ts')],
    {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        LOG_LEVEL: 'warn',
        HTTP_PORT: '0',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
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
