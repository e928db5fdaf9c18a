// Runs the reference ruleset's YAML cases (the one unit test allowed to read repo fixtures) and
// requires every rule to be exercised by at least one case.
import { createHash } from 'node:crypto';
import { loadKnownHsCodes } from '../adapters/hs-codes.ts';
import { loadCasesFile, loadRulesetFile } from '../adapters/ruleset-files.ts';
import { assess } from './assess.ts';
import { referenceAssess } from './reference-assess.ts';
import { runRulesetCases } from './ruleset-cases.ts';
import { syntheticInputs } from './test-declarations.ts';

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

describe('khorgos reference ruleset on synthetic traffic', () => {
  const inputs = syntheticInputs(3000, 1);
  const fast = inputs.map(({ declaration, context }) => assess(ruleset, declaration, context));

  test('given 3,000 varied declarations, when assessed, then each equals the reference evaluation', () => {
    const reference = inputs.map(({ declaration, context }) =>
      referenceAssess(ruleset, declaration, context),
    );
    const differs = fast.findIndex((a, i) => JSON.stringify(a) !== JSON.stringify(reference[i]));
    expect(differs === -1 ? null : fast[differs]).toEqual(differs === -1 ? null : reference[differs]);
  });

  // A change detector: re-record the digest only for a deliberate change of the reference ruleset
  // (last: I-PRIOR-SEIZURE became a seizure rate), never to make an engine change pass.
  test('then the assessments are byte for byte those recorded for this ruleset', () => {
    const h = createHash('sha256');
    for (const a of fast) h.update(`${JSON.stringify(a)}\n`);
    expect(h.digest('hex')).toBe('6437d9700c713d2e8cd3776356b189f74128470661b093f7119947dc9c4315b1');
  });
});
