// Keeps the ruleset in force current: re-reads the ruleset files on an interval and swaps in a new
// version only when it compiles. Assessments name the version that decided them, so the switch
// point is visible in the data; a broken edit is logged and the previous version stays.
import type { Logger } from '@clearway/observability';
import { canonicalRulesetJson } from '../domain/index.ts';
import type { ActiveRuleset } from '../handlers/on-declarations.ts';
import { loadRulesetFile } from './ruleset-files.ts';

export function loadActiveRuleset(path: string): ActiveRuleset & { warnings: string[] } {
  const { ruleset, warnings } = loadRulesetFile(path);
  return { compiled: ruleset, canonicalJson: canonicalRulesetJson(ruleset), warnings };
}

export function watchRuleset(options: {
  path: string;
  pollMs: number;
  logger: Logger;
  onChange: (next: ActiveRuleset) => void;
  current: () => ActiveRuleset;
}): () => void {
  if (options.pollMs === 0) return () => undefined;
  const timer = setInterval(() => {
    try {
      const next = loadActiveRuleset(options.path);
      if (next.compiled.version !== options.current().compiled.version) {
        options.onChange(next);
        options.logger.info(
          { version: next.compiled.version, warnings: next.warnings },
          'new ruleset version in force',
        );
      }
    } catch (error) {
      options.logger.error(
        { err: (error as Error).message },
        'ruleset change rejected; previous version stays in force',
      );
    }
  }, options.pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
