export type RulesetPath = readonly (string | number)[];

export function formatPath(path: RulesetPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(root)' : out;
}

export interface RulesetProblem {
  path: RulesetPath;
  message: string;
}

/** A ruleset that cannot be compiled; every problem names the path of the bad entry (and the file, once an adapter knows it). */
export class RulesetError extends Error {
  readonly problems: RulesetProblem[];
  readonly file: string | undefined;
  constructor(problems: RulesetProblem[], file?: string) {
    super(
      problems
        .map((p) => `${file === undefined ? '' : `${file}: `}${formatPath(p.path)}: ${p.message}`)
        .join('\n'),
    );
    this.name = 'RulesetError';
    this.problems = problems;
    this.file = file;
  }
}
