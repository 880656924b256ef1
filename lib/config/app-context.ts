import type { MigrationPlan } from './migration-plan';

/** What `-c env=` and `-c phases=` select, checked against the plan. */
export interface AppSelection {
  readonly environment: string;
  readonly phases: readonly number[];
}

/**
 * Reads the app's context values (`env`, `phases`) against the plan. Throws listing every
 * problem at once, like the plan loader; returns only a selection that exists.
 */
export function selectFromContext(plan: MigrationPlan, context: { env?: unknown; phases?: unknown }): AppSelection {
  const environments = Object.keys(plan.platform.environments);
  const all = plan.phases.map((p) => p.phase);
  const environment = context.env === undefined ? plan.platform.defaultEnvironment : String(context.env);
  const requested =
    context.phases === undefined
      ? all.map(String)
      : String(context.phases)
          .split(',')
          .map((p) => p.trim());

  const problems: string[] = [];
  if (!environments.includes(environment)) {
    problems.push(`-c env: unknown environment "${environment}", expected one of: ${environments.join(', ')}`);
  }
  for (const phase of requested) {
    if (!all.includes(Number(phase)) || !/^\d+$/.test(phase)) {
      problems.push(`-c phases: unknown phase "${phase}", expected a comma-separated list of: ${all.join(', ')}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { environment, phases: [...new Set(requested.map(Number))] };
}
