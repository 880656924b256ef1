/**
 * Synthesizes only the watch stacks of every phase, with the same context and compliance packs as
 * the app (cdk-nag, the residency pack, the CloudFormation validator in strict mode): a finding
 * throws. A fraction of a whole-app synth, for the goal tests; the whole app is covered elsewhere.
 */
import { App, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { MigrationPlan } from '../../lib/config/migration-plan';
import { addChecks } from '../../lib/migration-app';
import { addWatchStacks } from '../../lib/phases/watch-composition';
import type { WatchStack } from '../../lib/stacks/watch-stack';
import { cdkJsonContext, VALIDATION_CACHE } from './harness';

export interface SynthesizedWatch {
  readonly assembly: CloudAssembly;
  /** The watch stacks of a phase, in the order the composition made them. */
  stacks(phase: number): readonly WatchStack[];
  template(stack: WatchStack): Template;
}

export function synthesizeWatch(plan: MigrationPlan, environment = plan.platform.defaultEnvironment): SynthesizedWatch {
  const app = new App({ context: cdkJsonContext() });
  addChecks(app, plan, { validationCache: VALIDATION_CACHE });
  const env = plan.environment(environment);
  const byPhase = new Map<number, { stage: Stage; stacks: WatchStack[] }>();
  for (const phase of plan.phases) {
    const stage = new Stage(app, `Phase${phase.phase}`, { env: { account: env.account } });
    byPhase.set(phase.phase, {
      stage,
      stacks: addWatchStacks(stage, { plan, phase, environment: env, tags: () => ({}) }),
    });
  }
  const assembly = app.synth();
  const templates = new Map<WatchStack, Template>();
  return {
    assembly,
    stacks: (phase) => byPhase.get(phase)?.stacks ?? [],
    template(stack) {
      let template = templates.get(stack);
      if (!template) {
        const stage = Stage.of(stack) as Stage;
        template = Template.fromJSON(
          assembly.getNestedAssembly(stage.artifactId).getStackArtifact(stack.artifactId).template,
        );
        templates.set(stack, template);
      }
      return template;
    },
  };
}
