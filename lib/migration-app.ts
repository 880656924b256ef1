import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, PCIDSS321Checks } from 'cdk-nag';
import { DataResidencyChecks } from './compliance/residency/data-residency-checks';
import type { MigrationPlan } from './config/migration-plan';
import { PhaseStage } from './phases/phase-stage';

/** What to build from a loaded plan. */
export interface MigrationAppOptions {
  /** Environment name from platform.yaml. */
  readonly environment: string;
  /** Phase numbers to synthesize, in any order. */
  readonly phases: readonly number[];
}

/**
 * Adds one stage per selected phase to the app and registers every compliance pack on it.
 * Shared by `bin/app.ts` and the tests, so both build exactly the same tree.
 */
export function buildMigrationApp(app: App, plan: MigrationPlan, options: MigrationAppOptions): PhaseStage[] {
  const environment = plan.environment(options.environment);
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new PCIDSS321Checks(app),
    new DataResidencyChecks(app, { plan }),
  );
  return [...options.phases]
    .sort((a, b) => a - b)
    .map((phase) => new PhaseStage(app, `Phase${phase}`, { plan, phase, environment }));
}
