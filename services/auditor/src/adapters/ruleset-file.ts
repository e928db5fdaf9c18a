// A candidate ruleset from disk, loaded exactly as the categoriser loads its own (file:line errors,
// list files, HS checks), so a backtest judges the ruleset that would really run.
import { loadRulesetFile, type CompiledRuleset } from '@clearway/categoriser';

export function loadCandidateRuleset(path: string): { ruleset: CompiledRuleset; warnings: string[] } {
  return loadRulesetFile(path);
}
