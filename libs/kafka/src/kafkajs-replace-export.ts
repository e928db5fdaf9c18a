// Replacing a kafkajs module's export before kafkajs loads it: the modules that use it capture the
// export when they load, so a patch must be evaluated first (kafka-client.ts imports the patches
// before kafkajs). Nothing is replaced when the original no longer has the shape a patch was written
// against.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Replaces the export of kafkajs module `id` if its source still contains `shape`. Returns what the
 * module exported before (the replacement itself when an earlier call replaced it), or null when
 * nothing could be patched.
 */
export function replaceExport(id: string, shape: string, replacement: unknown): unknown {
  let path: string;
  let original: unknown;
  try {
    path = require.resolve(id);
    original = require(path);
  } catch {
    return null;
  }
  if (original === replacement) return original;
  if (typeof original !== 'function' || !String(original).includes(shape)) return null;
  const cached = require.cache[path];
  if (!cached) return null;
  cached.exports = replacement;
  return original;
}
