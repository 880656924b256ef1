/**
 * The CloudFormation validator's cache, registered by `addChecks` as `cdk synth` registers it, on an
 * App with cdk.json's context. Each case uses a cache folder of its own.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import {
  CachedCloudFormationValidatePlugin,
  validationCacheEntries,
} from '../../lib/compliance/cached-cloudformation-validate';
import { declareResidency, NO_PERSONAL_DATA } from '../../lib/compliance/residency/residency-declaration';
import { addChecks } from '../../lib/migration-app';
import { cdkJsonContext, defaultPlan } from '../support/harness';

const plan = defaultPlan();
const freshCache = () => mkdtempSync(join(tmpdir(), 'validation-cache-'));

interface Synth {
  /** The synth's error, if it failed. */
  readonly error?: Error;
  readonly evaluated: readonly string[];
  readonly reused: readonly string[];
}

/**
 * Two stacks of the app's kind (residency declared, every check registered): `Steady` never
 * changes; `Changing` holds an SSM parameter of the given type ('Strin' is not one: the validator's
 * W3030, a warning that strict mode makes fatal) and description.
 */
function synth(
  cache: string,
  parameter: { type?: string; description?: string; acknowledge?: boolean } = {},
  options: { context?: Record<string, unknown>; region?: string } = {},
): Synth {
  const app = new App({
    context: { ...cdkJsonContext(), ...options.context },
    outdir: mkdtempSync(join(tmpdir(), 'out-')),
  });
  addChecks(app, plan, { validationCache: cache });
  const env = { account: '111111111111', region: options.region ?? 'us-west-2' };
  for (const id of ['Steady', 'Changing']) {
    const stack = new Stack(app, id, { env });
    declareResidency(stack, { markets: NO_PERSONAL_DATA, reason: 'A test parameter; no user data.' });
    const resource = new CfnResource(stack, 'Parameter', {
      type: 'AWS::SSM::Parameter',
      properties: {
        Type: id === 'Changing' ? (parameter.type ?? 'String') : 'String',
        Value: 'v',
        Description: id === 'Changing' ? (parameter.description ?? 'first') : 'steady',
      },
    });
    if (id === 'Changing' && parameter.acknowledge) {
      Validations.of(resource).acknowledge({ id: 'CloudFormation-Validate::W3030', reason: 'test' });
    }
  }
  const plugin = findPlugin(app);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  return { error, evaluated: plugin.cacheUse.evaluated, reused: plugin.cacheUse.reused };
}

function findPlugin(app: App): CachedCloudFormationValidatePlugin {
  const plugins = (app as unknown as { _validationPlugins: unknown[] })._validationPlugins;
  const found = plugins.find((p) => p instanceof CachedCloudFormationValidatePlugin);
  if (!found) throw new Error('addChecks registered no cached validator');
  return found as CachedCloudFormationValidatePlugin;
}

const W3030 =
  /WARNING Type: 'Strin' is not one of \['String', 'StringList'\] \(CloudFormation Validate\)\s+Changing\/Parameter/;

describe('the CloudFormation validator cache', () => {
  test('evaluates a template once: a second synth of the same templates reuses every result', () => {
    const cache = freshCache();
    expect(synth(cache)).toEqual({ error: undefined, evaluated: ['Changing', 'Steady'], reused: [] });
    expect(validationCacheEntries(cache)).toBe(2);
    expect(synth(cache)).toEqual({ error: undefined, evaluated: [], reused: ['Changing', 'Steady'] });
  });

  test('evaluates again a template whose content changed, and only it', () => {
    const cache = freshCache();
    synth(cache);
    expect(synth(cache, { description: 'second' })).toEqual({
      error: undefined,
      evaluated: ['Changing'],
      reused: ['Steady'],
    });
  });

  test('a finding read from the cache still fails the synth, with the same report', () => {
    const cache = freshCache();
    const first = synth(cache, { type: 'Strin' });
    expect(first.error?.message).toMatch(W3030);
    const second = synth(cache, { type: 'Strin' });
    expect(second).toMatchObject({ evaluated: [], reused: ['Changing', 'Steady'] });
    expect(second.error?.message).toMatch(W3030);
    const report = (e?: Error) => e?.message.replace(/\S*out-\w+\//g, '<outdir>/');
    expect(report(second.error)).toBe(report(first.error));
  });

  test("a fixed template is evaluated again and passes: the old content's finding is not applied to it", () => {
    const cache = freshCache();
    expect(synth(cache, { type: 'Strin' }).error).toBeDefined();
    expect(synth(cache, { type: 'String' })).toEqual({ error: undefined, evaluated: ['Changing'], reused: ['Steady'] });
  });

  test('an acknowledgment silences a cached finding exactly as a fresh one, and only where it sits', () => {
    const cache = freshCache();
    expect(synth(cache, { type: 'Strin', acknowledge: true }).error).toBeUndefined();
    expect(synth(cache, { type: 'Strin', acknowledge: true })).toEqual({
      error: undefined,
      evaluated: [],
      reused: ['Changing', 'Steady'],
    });
    // The same cached finding without the acknowledgment fails again.
    expect(synth(cache, { type: 'Strin' }).error?.message).toMatch(W3030);
  });

  test.each([
    ['strict mode off', { context: { '@aws-cdk/core:strictCfnValidateErrors': false } }],
    ['the default rules flag changed', { context: { '@aws-cdk/core:validateAgainstDefaultRules': false } }],
    ['another region (the engine evaluates pseudo parameters for it)', { region: 'ap-southeast-1' }],
  ])('starts afresh when a key changes: %s', (_, options) => {
    const cache = freshCache();
    synth(cache);
    expect(synth(cache, {}, options)).toMatchObject({ evaluated: ['Changing', 'Steady'], reused: [] });
  });

  test('never trusts an unreadable entry: it is evaluated again, and its finding reported', () => {
    const cache = freshCache();
    synth(cache, { type: 'Strin' });
    for (const sub of readdirSync(cache)) {
      for (const file of readdirSync(join(cache, sub))) {
        const path = join(cache, sub, file);
        writeFileSync(path, readFileSync(path, 'utf8').slice(0, 20));
      }
    }
    const again = synth(cache, { type: 'Strin' });
    expect(again).toMatchObject({ evaluated: ['Changing', 'Steady'], reused: [] });
    expect(again.error?.message).toMatch(W3030);
  });

  test('is not registered when the CDK would not run its validator (CDK_VALIDATION=false)', () => {
    const before = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      const app = new App({ context: cdkJsonContext() });
      addChecks(app, plan, { validationCache: freshCache() });
      expect(() => findPlugin(app)).toThrow(/registered no cached validator/);
    } finally {
      if (before === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = before;
    }
  });
});
