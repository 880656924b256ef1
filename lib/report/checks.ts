import { type Assembly, type CheckRun, resourcesOf, type SynthRecord } from './assembly';
import { count, plural } from './markdown';
import { type ValidationFailure, validationFailuresOf } from './validation-failures';

/** The metadata type `Validations.of(construct).acknowledge()` writes. */
export const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';

/** One acknowledged rule: on which construct, for which check, and why. */
export interface Acknowledgment {
  /** The check it silences, named as in the validation report (`AwsSolutions`, `CloudFormation Validate`). */
  readonly check: string;
  /** The rule, such as `AwsSolutions-IAM5[Action::s3:*]` or `F3002`. */
  readonly rule: string;
  /** Construct path, such as `Phase1/Data-us-west-1/Network/Vpc`. */
  readonly path: string;
  readonly reason: string;
}

/**
 * Every acknowledgment in the assembly. They live in each stack's construct metadata
 * (`<stack>.metadata.json`, type `aws:cdk:acknowledged-rules`), keyed by a qualified rule ID:
 * `Annotation::<Pack>-<Rule>` for cdk-nag packs, `CloudFormation-Validate::<Rule>` for the validator.
 */
export function acknowledgmentsOf(assembly: Assembly): Acknowledgment[] {
  const found: Acknowledgment[] = [];
  for (const stack of assembly.stacks) {
    for (const [path, entries] of Object.entries(stack.metadata)) {
      for (const entry of entries) {
        if (entry.type !== ACKNOWLEDGED_RULES || !entry.data || typeof entry.data !== 'object') continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
          found.push({ ...checkOfRule(id), path: path.replace(/^\//, ''), reason: String(reason) });
        }
      }
    }
  }
  return found.sort(
    (a, b) => a.check.localeCompare(b.check) || a.rule.localeCompare(b.rule) || a.path.localeCompare(b.path),
  );
}

/** `Annotation::AwsSolutions-IAM5` is AwsSolutions' rule; `CloudFormation-Validate::F3002` the validator's. */
export function checkOfRule(qualifiedId: string): { check: string; rule: string } {
  const split = qualifiedId.indexOf('::');
  if (split < 0) return { check: 'Annotations', rule: qualifiedId };
  const namespace = qualifiedId.slice(0, split);
  const rule = qualifiedId.slice(split + 2);
  if (namespace.toLowerCase() !== 'annotation') return { check: namespace.replace(/-/g, ' '), rule };
  // cdk-nag rule IDs are `<pack name>-<rule>`; anything else is a plain construct annotation.
  const pack = /^([A-Za-z][A-Za-z0-9.]*)-/.exec(rule)?.[1];
  return { check: pack ?? 'Annotations', rule };
}

/** One check with what it found. */
export interface CheckResult {
  readonly name: string;
  readonly run?: CheckRun;
  /** Why it did not run, if it did not. */
  readonly skipped?: string;
  readonly failures: readonly ValidationFailure[];
  readonly acknowledged: number;
}

/** Every check the synth ran (from `synth.json`) or reported on (`validation-report.json`), with its findings. */
export function checkResults(assembly: Assembly, options: { readonly strict?: boolean } = {}): CheckResult[] {
  const failures = assembly.validationReport ? validationFailuresOf(assembly.validationReport, options) : [];
  const acks = acknowledgmentsOf(assembly);
  const names = [
    ...(assembly.synth?.checks.map((c) => c.name) ?? []),
    ...(assembly.synth?.skipped.map((s) => s.name) ?? []),
    ...failures.map((f) => f.plugin),
    ...acks.map((a) => a.check),
  ];
  return [...new Set(names)].map((name) => ({
    name,
    run: assembly.synth?.checks.find((c) => c.name === name),
    skipped: assembly.synth?.skipped.find((s) => s.name === name)?.why,
    failures: failures.filter((f) => f.plugin === name),
    acknowledged: acks.filter((a) => a.check === name).length,
  }));
}

/** What a check covered: `104 rules on 20 stacks`. */
export function describeRun(run: CheckRun): string {
  const rules = run.rules !== undefined ? `${plural(run.rules, 'rule')} on ` : '';
  const version = run.version ? ` (${run.version})` : '';
  return `${rules}${plural(run.scope, run.scopeUnit === 'files' ? 'file' : 'stack')}${version}`;
}

/** Inputs of {@link synthSummaryLine}. */
export interface SynthSummaryInput {
  readonly checks: readonly CheckRun[];
  readonly skipped: SynthRecord['skipped'];
  readonly failures: readonly ValidationFailure[];
  readonly acknowledgments: readonly Acknowledgment[];
  readonly stacks: number;
  readonly resources: number;
}

/**
 * The one line a synth ends with: which checks ran, on how much, with what result. A passing
 * `validation-report.json` is empty, so without this line nothing shows that a check ran.
 */
export function synthSummaryLine(input: SynthSummaryInput): string {
  const findings = input.failures.reduce((n, f) => n + f.constructPaths.length, 0);
  const ran = input.checks.map(
    (c) =>
      `${c.name} (${c.rules !== undefined ? plural(c.rules, 'rule') : c.name === 'Plan' ? plural(c.scope, 'file') : c.version ? `v${c.version}` : 'ran'}${c.reused ? `, ${count(c.reused)} of ${count(c.scope)} stacks unchanged since a cached run` : ''})`,
  );
  const skipped = input.skipped.map((s) => `${s.name} skipped: ${s.why}`);
  const result =
    findings === 0
      ? `no unacknowledged finding, ${count(input.acknowledgments.length)} acknowledged (\`npm run report\` lists them)`
      : `${plural(findings, 'unacknowledged finding')} (listed above), ${count(input.acknowledgments.length)} acknowledged: synth FAILED`;
  return `Checks ran on ${plural(input.stacks, 'stack')} (${count(input.resources)} resources): ${[...ran, ...skipped].join(', ')}; ${result}.`;
}

/** Resource count of an assembly, for the summary. */
export function resourceCount(assembly: Assembly): number {
  return resourcesOf(assembly).length;
}

/** The line a synth ends with when the plan stops it: nothing was built, so no check ran. */
export function planStoppedLine(planDir: string, problems: number): string {
  return `Synth stopped: the plan in ${planDir.replace(/\/$/, '')}/ has ${plural(problems, 'problem')} (listed above); no stack was built and no check ran.`;
}
