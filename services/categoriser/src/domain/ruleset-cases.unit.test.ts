// Runs the reference ruleset's YAML cases (the one unit test allowed to read repo fixtures) and
// requires every rule to be exercised by at least one case.
import { loadKnownHsCodes } from '../adapters/hs-codes.ts';
import { loadCasesFile, loadRulesetFile } from '../adapters/ruleset-files.ts';
import { runRulesetCases } from './ruleset-cases.ts';

const dir = new URL('../../rulesets/khorgos/', import.meta.url).pathname;
const { ruleset, warnings } = loadRulesetFile(`${dir}ruleset.yaml`);
const report = runRulesetCases(ruleset, loadCasesFile(`${dir}cases.yaml`), loadKnownHsCodes());

describe('khorgos reference ruleset', () => {
  test('loads without warnings', () => {
    expect(warnings).toEqual([]);
  });

  test.each(report.results.map((r) => [r.name, r] as const))('%s', (_name, result) => {
    expect(result.failures).toEqual([]);
  });

  test('every rule is covered by at least one case', () => {
    expect(report.uncovered).toEqual([]);
  });
});
