// Ruleset versions as the categoriser published them, fetched by content hash. Each version is
// compiled once; a version whose published content does not hash to its name is not trusted.
import { compileRuleset, type CompiledRuleset } from '@clearway/categoriser/engine';
import type { RulesetPublished } from '@clearway/schemas';
import type { RulesetLookup } from '../domain/replay.ts';

export function createRulesetStore() {
  const published = new Map<string, RulesetPublished>();
  const compiled = new Map<string, { ruleset: CompiledRuleset } | { missing: string }>();
  const lookup: RulesetLookup = (version) => {
    const cached = compiled.get(version);
    if (cached) return cached;
    const record = published.get(version);
    let found: { ruleset: CompiledRuleset } | { missing: string };
    if (!record) found = { missing: `ruleset version ${version} is not on the rulesets topic` };
    else
      try {
        const { ruleset } = compileRuleset(JSON.parse(record.content) as unknown);
        found =
          ruleset.version === version
            ? { ruleset }
            : { missing: `published content of ${version} hashes to ${ruleset.version}: it was altered` };
      } catch (error) {
        found = { missing: `published ruleset ${version} does not compile: ${(error as Error).message}` };
      }
    compiled.set(version, found);
    return found;
  };
  return {
    add: (record: RulesetPublished): void => {
      published.set(record.version, record);
      compiled.delete(record.version);
    },
    versions: (): string[] => [...published.keys()],
    /** The record a version was last published as (the one `lookup` judges). */
    published: (version: string): RulesetPublished | undefined => published.get(version),
    lookup,
  };
}
