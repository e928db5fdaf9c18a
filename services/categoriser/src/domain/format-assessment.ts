// Human-readable explanation of an assessment, for analysts (the CLI's explain command).
import type { Assessment } from './assess.ts';

export function formatAssessment(a: Assessment): string {
  const lines: string[] = [];
  lines.push(`Assessment ${a.assessmentId} at ${a.port}, submitted ${new Date(a.submittedAt).toISOString()}`);
  lines.push(`  ruleset ${a.rulesetVersion}`);
  lines.push(`  input   ${a.inputHash}`);
  lines.push('');
  lines.push(`Freight class: ${a.freightClass}`);
  lines.push(`Inspection level: ${a.inspectionLevel}${a.sampled ? ' (random control sample)' : ''}`);
  lines.push(`How: ${a.decision.summary}`);
  lines.push('');
  lines.push(a.firedRules.length === 0 ? 'No rules fired.' : 'Fired rules:');
  for (const r of a.firedRules) {
    const weight = r.kind === 'INDICATOR' ? ` +${r.weight}`.replace('+-', '-') : '';
    lines.push(
      `  [${r.kind}] ${r.ruleId}${weight}${r.lineNo === null ? '' : ` (line ${r.lineNo})`}: ${r.reason}`,
    );
    lines.push(`      saw:      ${r.observed}`);
    lines.push(`      expected: ${r.expected}`);
  }
  const features = Object.entries(a.features);
  if (features.length > 0) {
    lines.push('');
    lines.push('Features seen:');
    for (const [k, v] of features) lines.push(`  ${k} = ${v}`);
  }
  return lines.join('\n');
}
