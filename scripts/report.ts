/**
 * `npm run report`: reads a synthesized cloud assembly and the plan, writes REPORT.md for
 * reviewers and prints a short summary. Run it after `npx cdk synth`.
 *
 *   npm run report                                  # cdk.out -> cdk.out/REPORT.md
 *   npm run report -- --out DIR                     # another assembly folder
 *   npm run report -- --against base.out            # also compare with an earlier assembly
 *   npm run report -- --against base.out --against-plan DIR   # BASE's plan folder, when BASE keeps no copy
 *   npm run report -- --plan DIR --report FILE      # plan folder (default: the one synth used), output file
 *
 * Exit codes: 0 done; 1 the assembly (or --against) cannot be read, or the assembly has no record
 * of a passing synth of the plan on disk (the last synth failed, or the plan changed since); 2
 * --against found a stateful resource that would be replaced or deleted, so CI can gate on it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readAssemblyDir } from '../bin/read-assembly-dir';
import { readPlanDir } from '../bin/read-plan-dir';
import { assemblyPlanDir, refuseUnrecordedAssembly } from '../bin/synth-record';
import type { MigrationPlan } from '../lib/config/migration-plan';
import { PlanError } from '../lib/config/plan-error';
import { type Assembly, AssemblyError, readAssembly } from '../lib/report/assembly';
import { type AssemblyComparison, compareAssemblies, comparisonExitCode } from '../lib/report/compare';
import { comparePlans, type PlanTransition } from '../lib/report/plan-transitions';
import { renderReport, reportSummary } from '../lib/report/render-report';
import { resourceSchemasFrom } from '../lib/report/resource-schemas';
import { transitionSummary, transitionsSection } from '../lib/report/transitions-section';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'cdk.out' },
      against: { type: 'string' },
      'against-plan': { type: 'string' },
      plan: { type: 'string' },
      report: { type: 'string' },
    },
    strict: true,
  });
  const out = values.out;
  let assembly: Assembly;
  let before: Assembly | undefined;
  try {
    assembly = readAssembly(readAssemblyDir(out));
    before = values.against ? readAssembly(readAssemblyDir(values.against)) : undefined;
  } catch (error) {
    if (!(error instanceof AssemblyError)) throw error;
    process.stderr.write(`npm run report: ${error.message}\n`);
    return 1;
  }
  // Only an assembly the plan on disk produced, by a synth that passed (bin/synth-record.ts).
  const refusal = refuseUnrecordedAssembly(out, assembly, values.plan);
  if (refusal) {
    process.stderr.write(`npm run report: ${refusal}\n`);
    return 1;
  }

  const planDir = values.plan ?? assembly.synth?.plan ?? 'phases';
  let plan: MigrationPlan | undefined;
  let planError: string | undefined;
  try {
    plan = readPlanDir(planDir);
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    planError = error.message;
  }

  let comparison: AssemblyComparison | undefined;
  if (before && values.against) {
    // Loaded only to compare: the resource schemas are a few megabytes.
    const { loadAwsServiceSpecSync } =
      require('@aws-cdk/aws-service-spec') as typeof import('@aws-cdk/aws-service-spec');
    comparison = compareAssemblies(before, assembly, resourceSchemasFrom(loadAwsServiceSpecSync()));
  }

  // The migration's half of the gate: the plan BASE was built from against this one.
  let transition: PlanTransition | undefined;
  if (values.against) {
    let basePlanDir: string | undefined;
    try {
      basePlanDir = values['against-plan'] ?? assemblyPlanDir(values.against);
    } catch (error) {
      if (!(error instanceof AssemblyError)) throw error;
      process.stderr.write(`npm run report: ${error.message}\n`);
      return 1;
    }
    if (!basePlanDir) {
      process.stderr.write(
        `npm run report: ${values.against} keeps no copy of the plan it was built from (synthesized before synth kept one); pass --against-plan DIR, the plan folder of that synth (such as a checkout's phases/)\n`,
      );
      return 1;
    }
    if (!plan) {
      process.stderr.write(`npm run report: the plan in ${planDir} does not load, so no transition can be judged\n`);
      return 1;
    }
    try {
      transition = comparePlans(readPlanDir(basePlanDir, process.cwd(), { deployed: true }), plan);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      process.stderr.write(
        `npm run report: the plan of ${values.against} (${basePlanDir}) does not load:\n${error.message}\n`,
      );
      return 1;
    }
  }

  const input = {
    assembly,
    assemblyDir: out,
    plan,
    planError,
    strict: assembly.synth?.strict ?? true,
    comparison: comparison && values.against ? { againstDir: values.against, result: comparison } : undefined,
  };
  const reportFile = values.report ?? join(out, 'REPORT.md');
  const transitionPage = transition && values.against ? transitionsSection(values.against, transition) : '';
  writeFileSync(reportFile, renderReport(input) + (transitionPage ? `\n${transitionPage}` : ''));
  process.stdout.write(reportSummary(input, reportFile));
  if (transition) process.stdout.write(`${transitionSummary(transition).join('\n')}\n`);
  const templates = comparison ? comparisonExitCode(comparison) : 0;
  return transition?.refusals.length ? 2 : templates;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
