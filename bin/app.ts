#!/usr/bin/env node
/**
 * The app entry: the only place that reads files and context.
 *
 *   -c env=NAME       environment from phases/platform.yaml (default: its defaultEnvironment)
 *   -c phases=1,3     phases to synthesize (default: all)
 *   -c plan=DIR       plan folder (default: phases)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { residencyMap } from '../lib/compliance/residency/residency-map';
import { ResidencyPolicy } from '../lib/compliance/residency/residency-policy';
import { selectFromContext } from '../lib/config/app-context';
import { PlanError } from '../lib/config/plan-error';
import { buildMigrationApp } from '../lib/migration-app';
import { formatValidationFailures, readValidationFailures } from '../lib/report/validation-failures';
import { readPlanDir } from './read-plan-dir';

function main(): void {
  const app = new App();
  const planDir = String(app.node.tryGetContext('plan') ?? 'phases');
  let plan: ReturnType<typeof readPlanDir>;
  try {
    plan = readPlanDir(planDir);
  } catch (error) {
    if (error instanceof PlanError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  let selection: ReturnType<typeof selectFromContext>;
  try {
    selection = selectFromContext(plan, {
      env: app.node.tryGetContext('env'),
      phases: app.node.tryGetContext('phases'),
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }

  buildMigrationApp(app, plan, selection);
  const assembly = app.synth();
  writeFileSync(
    join(assembly.directory, 'residency.json'),
    `${JSON.stringify(residencyMap(app, new ResidencyPolicy(plan)), null, 2)}\n`,
  );
  const strict = app.node.tryGetContext('@aws-cdk/core:strictCfnValidateErrors') === true;
  const failures = readValidationFailures(assembly.directory, { strict });
  if (failures.length > 0) {
    process.stderr.write(formatValidationFailures(failures));
    process.exitCode = 1;
  }
}

main();
