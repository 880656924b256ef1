#!/usr/bin/env node
/**
 * The app entry: the only place that reads files and context.
 *
 *   -c env=NAME       environment from phases/platform.yaml (default: its defaultEnvironment)
 *   -c phases=1,3     phases to synthesize (default: all)
 *   -c plan=DIR       plan folder (default: phases)
 *   VALIDATION_CACHE=off   evaluate every template with the CloudFormation validator afresh
 *
 * Its last line on stderr always says what happened: which checks ran and what they found, or
 * why nothing was synthesized. (The CDK CLI prints its own lines after it; `npm run synth` does not.)
 *
 * Only a synth that passes leaves `synth.json` (with the digest of the plan files it read) and a
 * copy of those files in `plan/`; it removes the previous record first (`bin/synth-record.ts`).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { residencyMap } from '../lib/compliance/residency/residency-map';
import { ResidencyPolicy } from '../lib/compliance/residency/residency-policy';
import { selectFromContext } from '../lib/config/app-context';
import type { MigrationPlan } from '../lib/config/migration-plan';
import { PlanError } from '../lib/config/plan-error';
import { buildMigrationApp, VALIDATION_CACHE_DIR } from '../lib/migration-app';
import { readAssembly } from '../lib/report/assembly';
import { acknowledgmentsOf, planStoppedLine, resourceCount, synthSummaryLine } from '../lib/report/checks';
import type { PlanFile } from '../lib/report/synth-record';
import { formatValidationFailures, readValidationFailures } from '../lib/report/validation-failures';
import { readAssemblyDir, removeEntries } from './read-assembly-dir';
import { readPlanDirWithFiles } from './read-plan-dir';
import { recordChecks } from './record-checks';
import { clearSynthRecord, writeSynthRecord } from './synth-record';

function stop(lastLine: string): never {
  process.stderr.write(`${lastLine}\n`);
  process.exit(1);
}

function main(): void {
  const app = new App();
  // Before anything can stop the synth: the folder keeps no record of an earlier synth that
  // `npm run report` would take for this one's. Written again only when this synth passes.
  clearSynthRecord(app.outdir);
  const planDir = String(app.node.tryGetContext('plan') ?? 'phases');
  let plan: MigrationPlan;
  let planFiles: readonly PlanFile[];
  try {
    ({ plan, files: planFiles } = readPlanDirWithFiles(planDir));
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    process.stderr.write(`${error.message}\n`);
    stop(planStoppedLine(planDir, error.issues.length));
  }

  let selection: ReturnType<typeof selectFromContext>;
  try {
    selection = selectFromContext(plan, {
      env: app.node.tryGetContext('env'),
      phases: app.node.tryGetContext('phases'),
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    stop(
      'Synth stopped: the context (-c) names something the plan lacks (above); no stack was built and no check ran.',
    );
  }

  // The validator's results per template (README "Speed"); VALIDATION_CACHE=off evaluates every
  // template afresh, and deleting the folder is always safe.
  const validationCache =
    process.env.VALIDATION_CACHE === 'off' ? undefined : join(process.cwd(), VALIDATION_CACHE_DIR);
  buildMigrationApp(app, plan, { ...selection, validationCache });
  const recorded = recordChecks(app);
  const assembly = app.synth();
  const dir = assembly.directory;
  writeFileSync(
    join(dir, 'residency.json'),
    `${JSON.stringify(residencyMap(app, new ResidencyPolicy(plan)), null, 2)}\n`,
  );

  // An earlier synth's stacks and stages stay in the folder unless removed, and read like live
  // ones. Only what no manifest of this synth lists goes, and only what the CDK itself writes
  // there: a nested assembly folder (it holds a manifest.json), a stack's files inside one. Not
  // assets, the tree, nor files at the folder's root (`-o` may point anywhere). Then the report
  // of the previous assembly.
  const written = readAssembly(readAssemblyDir(dir));
  const stale = written.staleEntries.filter((entry) =>
    entry.endsWith('/') ? existsSync(join(dir, entry, 'manifest.json')) : entry.includes('/'),
  );
  removeEntries(dir, stale);
  if (existsSync(join(dir, 'REPORT.md'))) rmSync(join(dir, 'REPORT.md'));

  const strict = app.node.tryGetContext('@aws-cdk/core:strictCfnValidateErrors') === true;
  const failures = readValidationFailures(dir, { strict });
  const recordedChecks = recorded();
  const checks = [
    { name: 'Plan', scope: plan.phases.length + 1, scopeUnit: 'files' as const },
    ...recordedChecks.checks,
  ];
  const skipped = recordedChecks.skipped;
  const summary = synthSummaryLine({
    checks,
    skipped,
    failures,
    acknowledgments: acknowledgmentsOf(written),
    stacks: written.stacks.length,
    resources: resourceCount(written),
  });
  if (failures.length === 0) {
    // The record that this assembly passed, and of the plan that produced it (with a copy in plan/).
    writeSynthRecord(
      dir,
      {
        plan: planDir,
        environment: selection.environment,
        phases: selection.phases,
        strict,
        checks,
        skipped,
        removedStale: stale,
        summary,
      },
      planFiles,
    );
  }

  if (stale.length > 0) {
    process.stderr.write(
      `Removed ${stale.length} file(s) of an earlier synth that no manifest lists: ${stale.join(', ')}\n`,
    );
  }
  if (failures.length > 0) {
    process.stderr.write(
      formatValidationFailures(failures, relative(process.cwd(), join(dir, 'validation-report.json'))),
    );
    process.exitCode = 1;
  }
  process.stderr.write(`${summary}\n`);
}

main();
