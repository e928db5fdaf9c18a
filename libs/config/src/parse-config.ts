import type { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema; names every bad setting. */
export class ConfigError extends Error {
  readonly settings: string[];
  constructor(problems: { setting: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.setting}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.settings = problems.map((p) => p.setting);
  }
}

/** Parses an environment once against a zod object schema whose keys are the variable names. */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  // Empty strings count as unset, so `FOO=` behaves like a missing FOO.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      // The setting is the variable itself; a deeper path (an item of a list) goes into the message.
      setting: issue.path.length > 0 ? String(issue.path[0]) : '(environment)',
      message:
        (issue.path.length > 1 ? `item ${issue.path.slice(1).join('.')}: ` : '') +
        (issue.code === 'invalid_type' && issue.input === undefined
          ? 'is required but not set'
          : issue.message),
    })),
  );
}

/**
 * Parses process.env (the one place the process environment is read) and stops the process with a
 * message naming each bad setting, exit code 78 (EX_CONFIG).
 */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, service: string): z.infer<S> {
  try {
    return parseConfig(schema, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

/** The process environment, for tools (test harness, scripts) that pass it on to child processes. */
export const processEnvironment = (): Record<string, string | undefined> => ({ ...process.env });
