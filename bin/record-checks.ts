import { performance } from 'node:perf_hooks';
import { type App, CloudFormationValidatePlugin, type IPolicyValidationPlugin, Stage } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';
import { CachedCloudFormationValidatePlugin } from '../lib/compliance/cached-cloudformation-validate';
import { builtinValidationEnabled } from '../lib/migration-app';
import type { CheckRun, SynthRecord } from '../lib/report/assembly';

interface Recording {
  readonly plugin: IPolicyValidationPlugin;
  readonly name: string;
  readonly version?: string;
  readonly rules?: Set<string>;
  evaluations: number;
  stacks: number;
  ran: boolean;
  milliseconds: number;
}

/**
 * Watches every validation plugin of the app while it synthesizes, so the synth can say which
 * checks ran and on how much: a passing `validation-report.json` is empty, and proves nothing.
 *
 * Impure on purpose, and only here in `bin/`: it wraps each plugin's `validate` (the one call the
 * CDK makes per synth) and, for cdk-nag packs, `applyRule` (one call per rule and resource) to
 * count what they evaluated. It reads the plugins from `Stage._validationPlugins` and the
 * built-in CloudFormation validator from `CloudFormationValidatePlugin._singletonInstance()`: the
 * CDK has no public way to list them. If a later aws-cdk-lib drops either, the summary says the
 * checks could not be observed instead of failing the synth.
 *
 * It also times each plugin's call, so `synth.json` says what each check cost (`npm run bench`
 * reads it).
 *
 * Call before `app.synth()`; the returned function reads the recording after it.
 */
export function recordChecks(app: App): () => Pick<SynthRecord, 'checks' | 'skipped'> {
  const recordings: Recording[] = [];
  const skipped: { name: string; why: string }[] = [];
  const plugins: IPolicyValidationPlugin[] = [];
  for (const stage of [app, ...app.node.findAll().filter((c): c is Stage => Stage.isStage(c) && c !== app)]) {
    const own = (stage as unknown as { _validationPlugins?: IPolicyValidationPlugin[] })._validationPlugins;
    if (Array.isArray(own)) plugins.push(...own);
  }
  if (!builtinValidationEnabled(app)) {
    skipped.push({
      name: CloudFormationValidatePlugin.PLUGIN_NAME,
      why: process.env.CDK_VALIDATION === 'false' ? 'CDK_VALIDATION=false' : 'turned off on the App',
    });
  } else if (!plugins.some((p) => p instanceof CloudFormationValidatePlugin)) {
    // None registered: the CDK runs its default instance.
    const singleton = (
      CloudFormationValidatePlugin as unknown as { _singletonInstance?: () => IPolicyValidationPlugin }
    )._singletonInstance;
    if (typeof singleton === 'function') plugins.push(singleton.call(CloudFormationValidatePlugin));
  }

  for (const plugin of new Set(plugins)) {
    const recording: Recording = {
      plugin,
      name: plugin.name,
      version: plugin.version,
      rules: plugin instanceof NagPack ? new Set<string>() : undefined,
      evaluations: 0,
      stacks: 0,
      ran: false,
      milliseconds: 0,
    };
    recordings.push(recording);
    const validate = plugin.validate.bind(plugin);
    Object.assign(plugin, {
      validate: (context: Parameters<IPolicyValidationPlugin['validate']>[0]) => {
        recording.ran = true;
        recording.stacks = context.stackTemplates?.length ?? context.templatePaths.length;
        const start = performance.now();
        try {
          return validate(context);
        } finally {
          recording.milliseconds += performance.now() - start;
        }
      },
    });
    const pack = plugin as unknown as {
      applyRule?: (params: { ruleSuffixOverride?: string; rule: { name: string } }) => void;
    };
    if (recording.rules && typeof pack.applyRule === 'function') {
      const applyRule = pack.applyRule.bind(plugin);
      const rules = recording.rules;
      Object.assign(plugin, {
        applyRule: (params: { ruleSuffixOverride?: string; rule: { name: string } }) => {
          rules.add(params.ruleSuffixOverride ?? params.rule.name);
          recording.evaluations++;
          return applyRule(params);
        },
      });
    }
  }

  return () => ({
    checks: recordings
      .filter((r) => r.ran)
      .map(
        (r): CheckRun => ({
          name: r.name,
          version: r.version,
          rules: r.rules?.size,
          evaluations: r.rules ? r.evaluations : undefined,
          scope: r.stacks,
          scopeUnit: 'stacks',
          seconds: Math.round(r.milliseconds) / 1000,
          reused: r.plugin instanceof CachedCloudFormationValidatePlugin ? r.plugin.cacheUse.reused.length : undefined,
        }),
      ),
    skipped: [
      ...skipped,
      ...recordings.filter((r) => !r.ran).map((r) => ({ name: r.name, why: 'registered but not called by the synth' })),
    ],
  });
}
