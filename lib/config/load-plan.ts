import { type Document, LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import type { DataCheckOptions } from './data-checks';
import { MigrationPlan } from './migration-plan';
import { describeValue, PlanError, type PlanIssue } from './plan-error';
import { PhaseSchema, PlatformSchema } from './schema';
import { checkPlan, type ParsedPhase } from './semantic-checks';

/** A plan file's name and text. Reading the disk is `bin/`'s job; this stays pure. */
export interface PlanSource {
  readonly file: string;
  readonly text: string;
}

interface ParsedFile {
  readonly source: PlanSource;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/**
 * Parses and validates the platform file and every phase file, in two layers: the schema
 * (structure), then the meaning (references, overlaps, residency). Throws a `PlanError`
 * listing every problem with file, line and path; returns only a plan that is whole. A plan that
 * is already deployed (`options.deployed`, the transition gate's BASE) may still use the forms
 * earlier versions wrote.
 */
export function loadPlan(
  platform: PlanSource,
  phases: readonly PlanSource[],
  options: DataCheckOptions = {},
): MigrationPlan {
  const issues: PlanIssue[] = [];
  const files = new Map<string, ParsedFile>();

  const parse = <S extends z.ZodType>(source: PlanSource, schema: S): z.output<S> | undefined => {
    const lines = new LineCounter();
    const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    files.set(source.file, { source, doc, lines });
    if (doc.errors.length > 0) {
      issues.push(syntaxIssue(source.file, doc.errors, lines));
      return undefined;
    }
    const data: unknown = doc.toJS();
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      issues.push({ file: source.file, path, message: schemaMessage(issue, valueAt(data, path)) });
    }
    return undefined;
  };

  const platformConfig = parse(platform, PlatformSchema);
  const parsedPhases: ParsedPhase[] = [];
  for (const source of phases) {
    const config = parse(source, PhaseSchema);
    if (config) parsedPhases.push({ file: source.file, config });
  }
  if (phases.length === 0) {
    issues.push({
      file: platform.file,
      path: [],
      message: 'no phase files found, expected phases/phase-1.yaml and onwards',
    });
  }

  if (issues.length === 0 && platformConfig) {
    issues.push(...checkPlan(platform.file, platformConfig, parsedPhases, options));
  }
  if (issues.length > 0 || !platformConfig) {
    throw new PlanError(issues.map((issue) => withLine(issue, files.get(issue.file))));
  }
  return new MigrationPlan(
    platformConfig,
    parsedPhases.map((p) => p.config).sort((a, b) => a.phase - b.phase),
  );
}

/**
 * One issue per file that does not parse: its first syntax error, at that error's own line and
 * column. The parser goes on after an error and reports what follows from it (a tab used as
 * indentation makes every line below it misplaced), so the rest would only repeat the cause.
 * With `prettyErrors: false` the parser gives offsets only; the line counter turns them into
 * positions.
 */
function syntaxIssue(file: string, errors: readonly YAMLError[], lines: LineCounter): PlanIssue {
  const first = [...errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  const { line, col } = lines.linePos(first.pos[0]);
  const more = errors.length - 1;
  return {
    file,
    path: [],
    line,
    message: `not valid YAML at column ${col}: ${first.message.split('\n')[0]}${more > 0 ? ` (fix this first: the parser reports ${more} more error${more === 1 ? '' : 's'} after it, which usually follow from it)` : ''}`,
  };
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function schemaMessage(issue: z.core.$ZodIssue, got: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}, expected only the fields the JSON Schema in schemas/ lists`;
    case 'invalid_type':
      return got === undefined
        ? `missing, expected ${issue.expected}`
        : `got ${describeValue(got)}, expected ${issue.expected}`;
    case 'invalid_union':
      return `got ${describeValue(got)}, expected ${issue.message.replace(/^Invalid input: ?/, '') || 'one of the allowed forms'}`;
    case 'too_small':
    case 'too_big':
    case 'invalid_value':
      return `got ${describeValue(got)}, ${issue.message.replace(/^(Invalid input|Too small|Too big|Invalid option): /, '').replace(/^expected /, 'expected ')}`;
    default:
      // Our own messages (regex, formats) are phrased as what is expected.
      return `got ${describeValue(got)}, expected ${issue.message.replace(/^Invalid input: expected /, '')}`;
  }
}

/** Adds the line of the offending node (or of its closest existing parent, for a missing field). */
function withLine(issue: PlanIssue, file: ParsedFile | undefined): PlanIssue {
  if (!file || issue.line !== undefined) return issue;
  for (let n = issue.path.length; n >= 0; n--) {
    const path = issue.path.slice(0, n);
    const node = path.length === 0 ? file.doc.contents : file.doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      return { ...issue, line: file.lines.linePos(range[0]).line };
    }
  }
  return issue;
}
