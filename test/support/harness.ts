/**
 * The one test harness: loads a plan, builds the app exactly as `bin/app.ts` does (same
 * context as cdk.json, same compliance packs; changed plans without creation stack traces),
 * synthesizes it once, and hands out templates.
 * Call it in `beforeAll`; it memoizes per (plan, environment, phases) within a test file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly, type CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { readPlanDir } from '../../bin/read-plan-dir';
import { recordChecks } from '../../bin/record-checks';
import { residencyMap } from '../../lib/compliance/residency/residency-map';
import { ResidencyPolicy } from '../../lib/compliance/residency/residency-policy';
import { loadPlan, type PlanSource } from '../../lib/config/load-plan';
import type { MigrationPlan } from '../../lib/config/migration-plan';
import { buildMigrationApp, VALIDATION_CACHE_DIR } from '../../lib/migration-app';
import type { PhaseStage } from '../../lib/phases/phase-stage';

export const ROOT = join(__dirname, '..', '..');
export const DEFAULT_PLAN_DIR = join(ROOT, 'phases');
/** The validator's cache `cdk synth` uses: a template it has evaluated is not evaluated again. */
export const VALIDATION_CACHE = join(ROOT, VALIDATION_CACHE_DIR);

/** The context `cdk synth` runs with: cdk.json's feature flags and validation settings. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context;
}

/**
 * The context for a test's own synth of a changed plan or environment: cdk.json's, with the CDK's
 * creation stack traces off. Where each construct was created is metadata the CLI shows when a
 * deployment fails; no template and no check reads it, and capturing it through jest's source maps
 * costs a sixth of such a synth. The default assembly keeps `cdk synth`'s context exactly.
 */
export function changedPlanContext(): Record<string, unknown> {
  return { ...cdkJsonContext(), 'aws:cdk:disable-creation-stack-traces': true };
}

/** The default plan's files as sources, for tests that change one thing in them. */
export function defaultPlanSources(): { platform: PlanSource; phases: PlanSource[] } {
  const read = (name: string) => ({ file: `phases/${name}`, text: readFileSync(join(DEFAULT_PLAN_DIR, name), 'utf8') });
  const phaseFiles = readdirSync(DEFAULT_PLAN_DIR).filter((f) => /^phase-\d+\.yaml$/.test(f));
  return { platform: read('platform.yaml'), phases: phaseFiles.sort().map(read) };
}

/** The plan in phases/, loaded exactly as bin/app.ts loads it. */
export function defaultPlan(): MigrationPlan {
  return readPlanDir(DEFAULT_PLAN_DIR, ROOT);
}

/** A synthesized assembly of a plan, read by stage and stack ID. */
export interface AssemblyView {
  readonly plan: MigrationPlan;
  readonly assembly: CloudAssembly;
  /** The IDs of a stage's stacks (`1` for `Phase1`, or a stage name such as `Account`), in manifest order. */
  stackIds(stage: number | string): string[];
  /** A stack's artifact: its region, stack name, termination protection, template. */
  artifact(stage: number | string, id: string): CloudFormationStackArtifact;
  /** The synthesized template of a stack. */
  template(stage: number | string, id: string): Template;
}

/** An assembly read by stage and stack ID, its templates parsed once. */
export function assemblyView(assembly: CloudAssembly, plan: MigrationPlan): AssemblyView {
  const stageName = (stage: number | string) => (typeof stage === 'number' ? `Phase${stage}` : stage);
  const stacks = (stage: number | string) => {
    const name = stageName(stage);
    const nested = assembly.nestedAssemblies.find((n) => n.id === `assembly-${name}`);
    if (!nested) throw new Error(`stage ${name} was not synthesized`);
    // In the manifest's order, which is the order the app made them (`cdk ls` lists them so).
    const inner = nested.nestedAssembly;
    return Object.entries(inner.manifest.artifacts ?? {})
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id]) => inner.getStackArtifact(id));
  };
  const artifact = (stage: number | string, id: string) => {
    const found = stacks(stage).find((s) => s.hierarchicalId === `${stageName(stage)}/${id}`);
    if (!found) throw new Error(`${stageName(stage)}/${id} was not synthesized`);
    return found;
  };
  const templates = new Map<string, Template>();
  return {
    plan,
    assembly,
    stackIds: (stage) => stacks(stage).map((s) => s.hierarchicalId.split('/').pop() ?? ''),
    artifact,
    template(stage, id) {
      const k = `${stageName(stage)}/${id}`;
      let template = templates.get(k);
      if (!template) {
        template = Template.fromJSON(artifact(stage, id).template);
        templates.set(k, template);
      }
      return template;
    },
  };
}

export interface Synthesized extends AssemblyView {
  readonly app: App;
  readonly stages: readonly PhaseStage[];
  /** The stage of one phase. */
  stage(phase: number): PhaseStage;
  /** A stack by its ID inside its phase, such as `Data-us-west-1`. */
  stack(phase: number, id: string): Stack;
}

const cache = new Map<string, Synthesized>();

/**
 * Synthesizes the given phases of a plan once per test file, in `changedPlanContext()`
 * (validation included: a finding throws). For the default plan as `cdk synth` builds it, read `defaultAssembly()` instead: it is
 * synthesized once per test run.
 */
export function synthesize(
  options: { plan?: MigrationPlan; phases?: readonly number[]; environment?: string; key?: string } = {},
): Synthesized {
  const plan = options.plan ?? defaultPlan();
  const phases = options.phases ?? plan.phases.map((p) => p.phase);
  const environment = options.environment ?? plan.platform.defaultEnvironment;
  const key = `${options.key ?? 'default'}|${environment}|${phases.join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const app = new App({ context: changedPlanContext() });
  const stages = buildMigrationApp(app, plan, { environment, phases, validationCache: VALIDATION_CACHE });
  const assembly = app.synth();
  const stage = (phase: number) => {
    const found = stages.find((s) => s.config.phase === phase);
    if (!found) throw new Error(`phase ${phase} was not synthesized`);
    return found;
  };
  const result: Synthesized = {
    ...assemblyView(assembly, plan),
    app,
    stages,
    stage,
    stack: (phase, id) => stage(phase).node.findChild(id) as Stack,
  };
  cache.set(key, result);
  return result;
}

/** Set by the global setup (`test/support/global-setup.ts`): a folder of this test run's own. */
export const RUN_DIR_ENV = 'DC_MIGRATION_TEST_RUN';

/**
 * Synthesizes the default plan (every phase, the default environment) exactly as `cdk synth` does:
 * the same context, every check including the CloudFormation validator in strict mode (a finding
 * throws), `residency.json` and the record of which checks ran beside it.
 */
export function synthesizeDefault(outdir: string): void {
  const plan = defaultPlan();
  const app = new App({ context: cdkJsonContext(), outdir });
  buildMigrationApp(app, plan, {
    environment: plan.platform.defaultEnvironment,
    phases: plan.phases.map((p) => p.phase),
    validationCache: VALIDATION_CACHE,
  });
  const recorded = recordChecks(app);
  app.synth();
  writeFileSync(join(outdir, 'residency.json'), JSON.stringify(residencyMap(app, new ResidencyPolicy(plan)), null, 2));
  writeFileSync(join(outdir, 'checks.json'), JSON.stringify(recorded(), null, 2));
}

let shared: (AssemblyView & { directory: string }) | undefined;

/**
 * The default plan's assembly, synthesized once per test run: the first test file to ask builds it
 * (while the other worker runs files that do not need it) and the rest wait for it and read it. A
 * synth that fails fails every file that asks. Run outside the test run's setup (no run folder), a
 * file synthesizes it into a folder of its own.
 */
export function defaultAssembly(): AssemblyView & { readonly directory: string } {
  if (shared) return shared;
  const run = process.env[RUN_DIR_ENV];
  const directory = run ? join(run, 'default-assembly') : mkdtempSync(join(tmpdir(), 'default-assembly-'));
  const done = join(directory, 'done.json');
  if (!run) {
    synthesizeDefault(directory);
  } else if (claim(join(run, 'default-assembly.lock'))) {
    let error: string | undefined;
    try {
      synthesizeDefault(directory);
    } catch (e) {
      error = (e as Error).stack ?? String(e);
      throw e;
    } finally {
      writeFileSync(`${done}.tmp`, JSON.stringify({ error }));
      renameSync(`${done}.tmp`, done);
    }
  } else {
    const waited = waitFor(done, 300_000);
    const { error } = JSON.parse(readFileSync(waited, 'utf8')) as { error?: string };
    if (error) throw new Error(`the default plan did not synthesize (in another test file):\n${error}`);
  }
  shared = { ...assemblyView(new CloudAssembly(directory), defaultPlan()), directory };
  return shared;
}

/** True for the one caller that creates `lock` (a directory: creating one is atomic). */
function claim(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    return false;
  }
}

/** Blocks until `file` exists, polling every 50 ms. */
function waitFor(file: string, timeoutMs: number): string {
  const tick = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; !existsSync(file); waited += 50) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${file}`);
    Atomics.wait(tick, 0, 0, 50);
  }
  return file;
}

/** One synthesized stack with what identifies it in AWS. */
export interface DeployedStack {
  readonly environment: string;
  /** Construct path, such as `Phase1/Service-us-west-1`. */
  readonly path: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON
  readonly template: any;
}

const environments = new Map<string, DeployedStack[]>();

/**
 * Every stack of every phase (and of the account and guardrails stages) of the default plan for one
 * environment, built exactly as `bin/app.ts` builds it. The default environment is the run's
 * default assembly; another is synthesized once per test file, without the CloudFormation template
 * validator (it reads templates, never changes them, and is most of a synth's time); cdk-nag and
 * the residency pack still run.
 */
export function synthesizeEnvironment(environment: string): DeployedStack[] {
  const hit = environments.get(environment);
  if (hit) return hit;
  const plan = defaultPlan();
  let assembly: CloudAssembly;
  if (environment === plan.platform.defaultEnvironment) {
    assembly = defaultAssembly().assembly;
  } else {
    const app = new App({ context: changedPlanContext(), builtinCloudFormationValidation: false });
    buildMigrationApp(app, plan, { environment, phases: plan.phases.map((p) => p.phase) });
    assembly = app.synth();
  }
  const stacks = assembly.stacksRecursively.map((artifact) => ({
    environment,
    path: artifact.hierarchicalId,
    stackName: artifact.stackName,
    account: artifact.environment.account,
    region: artifact.environment.region,
    template: artifact.template,
  }));
  environments.set(environment, stacks);
  return stacks;
}

/** Logical IDs of every resource of a type in a template, sorted. */
export function logicalIds(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type)).sort();
}

/** A plan built from the default files with some files' text changed, by file (`phases/phase-1.yaml`). */
export function planWith(edits: Readonly<Record<string, (text: string) => string>>): MigrationPlan {
  const { platform, phases } = defaultPlanSources();
  const apply = (s: PlanSource) => ({ ...s, text: edits[s.file]?.(s.text) ?? s.text });
  return loadPlan(apply(platform), phases.map(apply));
}

/** Phase 3 once both sites' copies are validated, at 10 %: the next step of the runbook. */
export const PHASE_3_READY = {
  'phases/phase-3.yaml': (text: string) =>
    text
      .replace('cutoverPercent: 0', 'cutoverPercent: 10')
      .replace('markets: [IN]', `markets: [IN]\n    data: ${allReady('IN')}`)
      .replace('markets: [BR]', `markets: [BR]\n    data: ${allReady('BR')}`),
};
const allReady = (market: string) =>
  `{ ${['shop', 'accounts', 'messaging', 'photos'].map((s) => `${s}: { ${market}: ready }`).join(', ')} }`;

/**
 * For a test file whose subject is not the CloudFormation validator: turns the built-in validator
 * off for this file's synths (cdk-nag and the residency pack still run) and back on for whatever
 * file the worker runs next. The default plan's whole app is synthesized with the validator on,
 * strictly, by `test/phases/later-phases-and-whole-app.test.ts` and by every `cdk synth`.
 */
export function withoutCloudFormationValidator(): void {
  const validation = process.env.CDK_VALIDATION;
  beforeAll(() => {
    process.env.CDK_VALIDATION = 'false';
  });
  afterAll(() => {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
  });
}
