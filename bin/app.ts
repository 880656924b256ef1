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
import { PlanError } from '../lib/config/plan-error';
import { readPlanDir } from '../lib/config/read-plan-dir';
import { buildMigrationApp } from '../lib/migration-app';
import { formatValidationFailures, readValidationFailures } from '../lib/report/validation-failures';

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

  const environment = String(app.node.tryGetContext('env') ?? plan.platform.defaultEnvironment);
  const all = plan.phases.map((p) => p.phase);
  const requested = app.node.tryGetContext('phases');
  const phases =
    requested === undefined
      ? all
      : String(requested)
          .split(',')
          .map((p) => Number(p.trim()));
  const unknown = phases.filter((p) => !all.includes(p));
  if (unknown.length > 0 || !Object.hasOwn(plan.platform.environments, environment)) {
    process.stderr.write(
      [
        ...unknown.map((p) => `-c phases: unknown phase ${JSON.stringify(p)}, expected some of: ${all.join(', ')}`),
        ...(Object.hasOwn(plan.platform.environments, environment)
          ? []
          : [
              `-c env: unknown environment "${environment}", expected one of: ${Object.keys(plan.platform.environments).join(', ')}`,
            ]),
      ]
        .map((line) => `${line}\n`)
        .join(''),
    );
    process.exit(1);
  }

  buildMigrationApp(app, plan, { environment, phases });
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
