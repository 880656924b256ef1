import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidationReportJson } from './assembly';

/** One rule that failed, with the constructs that break it. */
export interface ValidationFailure {
  readonly plugin: string;
  readonly rule: string;
  readonly description: string;
  readonly constructPaths: readonly string[];
}

/**
 * The failing findings in a synthesized assembly's `validation-report.json` (cdk-nag packs, the
 * residency pack, the CloudFormation validator, error annotations).
 *
 * Why the app reads this itself: the CDK CLI tells the app not to fail on validation errors
 * and then reports only on the stacks it selected. A bare `cdk synth` of an app whose stacks
 * all sit in stages selects none, so it would print "success" over a failing report.
 */
export function readValidationFailures(
  assemblyDir: string,
  options: { readonly strict?: boolean } = {},
): ValidationFailure[] {
  const file = join(assemblyDir, 'validation-report.json');
  if (!existsSync(file)) return [];
  return validationFailuresOf(JSON.parse(readFileSync(file, 'utf8')) as ValidationReportJson, options);
}

/** The failing findings of a parsed `validation-report.json` (pure; see {@link readValidationFailures}). */
export function validationFailuresOf(
  report: ValidationReportJson,
  options: { readonly strict?: boolean } = {},
): ValidationFailure[] {
  return (report.pluginReports ?? []).flatMap((plugin) => {
    // A plugin that threw reports a failure with no violation; it checked nothing, so it fails too.
    if (plugin.conclusion === 'failure' && plugin.violations.length === 0) {
      const error = plugin.metadata?.error;
      return [
        {
          plugin: plugin.pluginName,
          rule: `${plugin.pluginName} did not run`,
          description: typeof error === 'string' ? error : 'the plugin failed without a finding',
          constructPaths: ['(app)'],
        },
      ];
    }
    return (
      plugin.violations
        // Strict mode (@aws-cdk/core:strictCfnValidateErrors) fails synth on warnings too; mirror it.
        .filter((v) => v.severity !== 'info' && (options.strict || v.severity !== 'warning'))
        .map((v) => ({
          plugin: plugin.pluginName,
          rule: v.ruleName,
          description: v.description,
          constructPaths: (v.violatingConstructs ?? []).map((c) => c.constructPath),
        }))
    );
  });
}

/** A compact, reviewer-readable listing: one line per rule and construct. */
export function formatValidationFailures(
  failures: readonly ValidationFailure[],
  reportFile = 'cdk.out/validation-report.json',
): string {
  const lines = failures.flatMap((f) => f.constructPaths.map((path) => `  ${path}: ${f.rule}: ${f.description}`));
  return `Synth found ${lines.length} unacknowledged finding${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}\nFull report: ${reportFile}\n`;
}
