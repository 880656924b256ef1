/** One problem found in a plan file. */
export interface PlanIssue {
  /** The file as the user named it, such as `phases/phase-1.yaml`. */
  readonly file: string;
  /** Where in the file, as keys and indexes from the document root. */
  readonly path: readonly (string | number)[];
  /** 1-based line of the offending node, when the YAML could be parsed. */
  readonly line?: number;
  /** What is wrong and what was expected. */
  readonly message: string;
}

/** `markets[3].allowedLocations[1]`, or `(document)` for the root. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(document)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function formatIssue(issue: PlanIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  return `${where}: ${formatPath(issue.path)}: ${issue.message}`;
}

/** Thrown when the plan is wrong; carries every problem found, not only the first. */
export class PlanError extends Error {
  public readonly issues: readonly PlanIssue[];

  constructor(issues: readonly PlanIssue[]) {
    super(
      `The migration plan has ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was synthesized:\n` +
        issues.map((i) => `  ${formatIssue(i)}`).join('\n'),
    );
    this.name = 'PlanError';
    this.issues = issues;
  }
}

/** Renders a value the user wrote, short enough for one line of an error. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
