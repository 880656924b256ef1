import { Match } from 'aws-cdk-lib/assertions';
import { decodeGoalProbeConfig, GOAL_NAMESPACE } from '../../lib/canary/goal-contract';
import type { MigrationPlan } from '../../lib/config/migration-plan';
import { layerName } from '../../lib/constructs/market-routing';
import { goalCanaryName } from '../../lib/naming';
import type { WatchStack } from '../../lib/stacks/watch-stack';
import { defaultAssembly, logicalIds, planWith, withoutCloudFormationValidator } from '../support/harness';
import { synthesizeWatch } from '../support/watch-harness';

// biome-ignore lint/suspicious/noExplicitAny: template JSON
type Json = any;

// The changed plan below: its watch stacks are not what the CloudFormation validator is tested on.
withoutCloudFormationValidator();

/** A watch stack of the default assembly, as its artifact describes it. */
interface WatchInfo {
  readonly phase: number;
  readonly node: { readonly id: string };
  readonly region: string;
  readonly stackName: string;
  readonly terminationProtection: boolean;
  /** In the phase's goals region: the goal alarms, exit criteria and dashboard. */
  readonly goals: boolean;
}

// GIVEN the default plan as `cdk synth` builds and checks it (synthesized once per test run)
const synth = defaultAssembly();
const plan: MigrationPlan = synth.plan;
const watch = {
  /** The watch stacks of a phase, in the order the app made them. */
  stacks: (phase: number): WatchInfo[] =>
    synth
      .stackIds(phase)
      .filter((id) => id.startsWith('Watch-'))
      .map((id) => {
        const artifact = synth.artifact(phase, id);
        return {
          phase,
          node: { id },
          region: artifact.environment.region,
          stackName: artifact.stackName,
          terminationProtection: artifact.terminationProtection ?? false,
          goals: artifact.environment.region === plan.goalsRegion(plan.phase(phase)),
        };
      }),
  template: (stack: WatchInfo) => synth.template(stack.phase, stack.node.id),
};

const PHASES = [1, 2, 3, 4];
const resources = (stack: WatchInfo, type: string): [string, Json][] =>
  Object.entries(watch.template(stack).findResources(type));
const goalsStack = (phase: number) => {
  const found = watch.stacks(phase).filter((s) => s.goals);
  expect(found).toHaveLength(1);
  return found[0];
};
const canaries = (phase: number) =>
  watch.stacks(phase).flatMap((stack) =>
    resources(stack, 'AWS::Synthetics::Canary').map(([, canary]) => ({
      stack,
      canary,
      config: decodeGoalProbeConfig(canary.Properties.RunConfig.EnvironmentVariables.GOAL_PROBE_CONFIG),
    })),
  );

describe('goal canaries', () => {
  test.each(PHASES)('phase %i watches each market it serves from the region the plan names nearest it', (phase) => {
    const expected = plan.watchedMarkets(plan.phase(phase)).map((m) => [m.market, m.canaryRegion]);
    const found = canaries(phase).map(({ stack, config }) => [config.market, stack.region]);
    expect(found.sort()).toEqual(expected.sort());
  });

  test.each(PHASES)(
    "phase %i's canaries request every service of the phase at the market's layer, under the service's public name",
    (phase) => {
      const config = plan.phase(phase);
      const domain = plan.environment(plan.platform.defaultEnvironment).domainName;
      for (const { canary, config: probe } of canaries(phase)) {
        expect(canary.Properties.Name).toBe(goalCanaryName(phase, probe.market));
        expect(probe.phase).toBe(String(phase));
        expect(probe.targets).toEqual(
          config.services.map((service) => ({
            service,
            host: layerName(phase, probe.market, `${service}.${domain}`),
            serverName: `${service}.${domain}`,
            path: plan.service(service).healthCheckPath,
          })),
        );
      }
    },
  );

  test("Brazil, served from a provider's site, is measured from Sao Paulo at phase 3's layer", () => {
    const brazil = canaries(3).find(({ config }) => config.market === 'BR');
    expect(brazil?.stack.region).toBe('sa-east-1');
    expect(brazil?.config.targets.map((t) => t.host)).toEqual([
      'p3.br.shop.shop.example.com',
      'p3.br.accounts.shop.example.com',
      'p3.br.messaging.shop.example.com',
      'p3.br.photos.shop.example.com',
    ]);
  });

  test.each(PHASES)("phase %i's canaries all publish to its goals region, where its alarms are", (phase) => {
    const region = plan.goalsRegion(plan.phase(phase));
    expect(goalsStack(phase).region).toBe(region);
    expect(new Set(canaries(phase).map(({ config }) => config.metricsRegion))).toEqual(new Set([region]));
  });

  test('run on the newest Node.js Synthetics runtime every probe interval, never retried, cleaned up with the canary', () => {
    for (const { canary } of PHASES.flatMap(canaries)) {
      expect(canary.Properties).toMatchObject({
        RuntimeVersion: 'syn-nodejs-puppeteer-13.0',
        Code: { Handler: 'goal-probe.handler' },
        Schedule: { Expression: `rate(${plan.platform.goals.probeEveryMinutes} minute)` },
        RunConfig: { TimeoutInSeconds: 60 },
        ProvisionedResourceCleanup: 'AUTOMATIC',
        SuccessRetentionPeriod: 365,
        FailureRetentionPeriod: 365,
      });
      expect(canary.Properties.Schedule.RetryConfig?.MaxRetries ?? 0).toBe(0);
    }
  });

  test("keep their artifacts and environment encrypted with their stack's key, under their own prefix", () => {
    for (const { stack, canary } of PHASES.flatMap(canaries)) {
      const [keyId] = logicalIds(watch.template(stack), 'AWS::KMS::Key');
      const bucketId = logicalIds(watch.template(stack), 'AWS::S3::Bucket').find((id) => id.startsWith('Artifacts'));
      expect(canary.Properties).toMatchObject({
        ArtifactConfig: { S3Encryption: { EncryptionMode: 'SSE_KMS', KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
        KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] },
        ArtifactS3Location: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, `/${canary.Properties.Name}`]] },
      });
    }
  });

  test('may publish measurements only to the goals namespace, only in the goals region', () => {
    const phase = 2;
    for (const { stack } of canaries(phase)) {
      watch.template(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'PublishGoalMeasurements',
              Effect: 'Allow',
              Action: 'cloudwatch:PutMetricData',
              Resource: '*',
              Condition: {
                StringEquals: {
                  'cloudwatch:namespace': GOAL_NAMESPACE,
                  'aws:RequestedRegion': plan.goalsRegion(plan.phase(phase)),
                },
              },
            },
          ]),
        },
      });
    }
  });

  test('every canary of every phase runs one bundle: esbuild ran once for the whole synth', () => {
    const keys = new Set(PHASES.flatMap(canaries).map(({ canary }) => canary.Properties.Code.S3Key));
    expect(keys.size).toBe(1);
  });
});

describe('goal alarms', () => {
  const template = (phase: number) => watch.template(goalsStack(phase));
  const alarm = (phase: number, id: string): Json => {
    const found = resources(goalsStack(phase), 'AWS::CloudWatch::Alarm').filter(([logicalId]) =>
      logicalId.startsWith(`Goals${id}`),
    );
    expect(found).toHaveLength(1);
    return found[0][1].Properties;
  };

  test.each(PHASES)("phase %i has a latency alarm per market at the plan's threshold", (phase) => {
    const { latencyWindowMinutes } = plan.platform.goals;
    for (const { market, goals } of plan.watchedMarkets(plan.phase(phase))) {
      expect(alarm(phase, `Latency${market}`)).toMatchObject({
        Namespace: GOAL_NAMESPACE,
        MetricName: 'Latency',
        Dimensions: expect.arrayContaining([
          { Name: 'Phase', Value: String(phase) },
          { Name: 'Market', Value: market },
        ]),
        ExtendedStatistic: 'p90',
        Period: latencyWindowMinutes * 60,
        Threshold: goals.latencyP90Ms,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
  });

  test.each(PHASES)("phase %i has an availability alarm per market at the plan's threshold", (phase) => {
    const { availabilityWindowHours } = plan.platform.goals;
    for (const { market, goals } of plan.watchedMarkets(plan.phase(phase))) {
      expect(alarm(phase, `Availability${market}`)).toMatchObject({
        Namespace: GOAL_NAMESPACE,
        MetricName: 'Availability',
        Statistic: 'Average',
        Period: availabilityWindowHours * 3600,
        Threshold: goals.availabilityPercent,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
  });

  test("India's latency threshold is the plan's own, not the default", () => {
    expect(plan.goals('IN').latencyP90Ms).not.toBe(plan.platform.goals.defaults.latencyP90Ms);
    expect(alarm(3, 'LatencyIN').Threshold).toBe(plan.goals('IN').latencyP90Ms);
  });

  test.each(PHASES)(
    "phase %i's exit criteria: one composite alarm, OK only once the phase takes all traffic and every market's alarms are OK",
    (phase) => {
      const composites = resources(goalsStack(phase), 'AWS::CloudWatch::CompositeAlarm');
      expect(composites).toHaveLength(1);
      const rule = composites[0][1].Properties.AlarmRule['Fn::Join'][1] as Json[];
      const text = rule.map((part) => (typeof part === 'string' ? part : `<${part['Fn::GetAtt'][0]}>`)).join('');
      const children = logicalIds(template(phase), 'AWS::CloudWatch::Alarm');
      expect(children).toHaveLength(2 * plan.watchedMarkets(plan.phase(phase)).length);
      // NOT (OK(a) AND OK(b) AND ...): ALARM unless every child is OK (INSUFFICIENT_DATA is not met either),
      // and FALSE in the conjunction while the plan has not moved all of the phase's traffic.
      const config = plan.phase(phase);
      const moved = plan.cutoverComplete(config);
      expect(text).toMatch(
        new RegExp(`^\\(NOT \\(\\(${moved ? '' : 'FALSE AND '}OK\\("<\\w+>"\\)( AND OK\\("<\\w+>"\\))*\\)\\)\\)$`),
      );
      expect([...text.matchAll(/OK\("<(\w+)>"\)/g)].map((m) => m[1]).sort()).toEqual(children);
    },
  );

  test('the exit criteria can be met in phase 1 (100 %, copies ready), not yet in phase 2 (50 %), 3 or 4 (copying)', () => {
    const rule = (phase: number) =>
      JSON.stringify(resources(goalsStack(phase), 'AWS::CloudWatch::CompositeAlarm')[0][1].Properties.AlarmRule);
    expect(PHASES.map((p) => rule(p).includes('FALSE'))).toEqual([false, true, true, true]);
  });

  test('every goal alarm and each exit composite tell the alarm topic of their own stack, on ALARM and on OK', () => {
    for (const phase of PHASES) {
      const [topicId] = logicalIds(template(phase), 'AWS::SNS::Topic');
      for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']) {
        for (const [, a] of resources(goalsStack(phase), type)) {
          expect(a.Properties).toMatchObject({ AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
        }
      }
      template(phase).hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]),
        },
      });
    }
  });

  test("the dashboard shows the exit criteria and each market's goals and canary runs, in the canary's region", () => {
    const phase = 1;
    const [[, dashboard]] = resources(goalsStack(phase), 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain(`Phase ${phase} exit criteria`);
    for (const { market, canaryRegion, goals } of plan.watchedMarkets(plan.phase(phase))) {
      expect(body).toContain(`${market} p90 latency (ms), goal ${goals.latencyP90Ms}`);
      expect(body).toContain(`${market} availability (%), goal ${goals.availabilityPercent}`);
      expect(body).toMatch(
        new RegExp(
          `CloudWatchSynthetics.{0,10}SuccessPercent.{0,10}CanaryName.{0,10}${goalCanaryName(phase, market)}.{0,300}${canaryRegion}`,
        ),
      );
    }
  });

  test('a changed goal in the plan moves only its threshold', () => {
    // GIVEN India's latency goal tightened and the default availability lowered
    const changed = planWith({
      'phases/platform.yaml': (t) =>
        t
          .replace('goals: { latencyP90Ms: 400 }', 'goals: { latencyP90Ms: 380 }')
          .replace('availabilityPercent: 99.9', 'availabilityPercent: 99.5'),
    });
    // WHEN
    const other = synthesizeWatch(changed);
    const stack = other.stacks(3).find((s) => s.goals) as WatchStack;
    const props = (id: string) =>
      Object.entries(other.template(stack).findResources('AWS::CloudWatch::Alarm')).find(([k]) =>
        k.startsWith(`Goals${id}`),
      )?.[1].Properties;
    // THEN
    expect(props('LatencyIN').Threshold).toBe(380);
    expect(props('AvailabilityIN').Threshold).toBe(99.5);
    expect(props('LatencyBR').Threshold).toBe(changed.goals('BR').latencyP90Ms);
  });
});

describe('watch stacks', () => {
  test('one per region a canary runs in, plus the goals region, named by the naming helper', () => {
    expect(watch.stacks(1).map((s) => [s.node.id, s.stackName])).toEqual(
      [
        'us-west-1',
        'us-east-2',
        // Mexico, Thailand and Turkey, served by name in phase 1 since platform.yaml declares them
        'mx-central-1',
        'ap-southeast-7',
        'il-central-1',
        'ap-southeast-1',
        'ap-east-1',
        'ap-east-2',
        'ap-southeast-5',
        'ap-southeast-3',
        'ap-south-1',
      ].map((r) => [`Watch-${r}`, `migration-p1-commerce-watch-${r}`]),
    );
    expect(watch.stacks(3).map((s) => s.node.id)).toEqual(['Watch-ap-south-1', 'Watch-sa-east-1']);
    // Phase 4's goals in Mexico, its first location's region, beside Mexico's canary
    expect(watch.stacks(4).map((s) => [s.node.id, Boolean(s.goals)])).toEqual([
      ['Watch-mx-central-1', true],
      ['Watch-ap-southeast-7', false],
      ['Watch-il-central-1', false],
    ]);
  });

  test('hold no personal data: the stack and each bucket say why, and buckets are encrypted, logged and retained', () => {
    for (const stack of PHASES.flatMap((p) => watch.stacks(p))) {
      for (const [, bucket] of resources(stack, 'AWS::S3::Bucket')) {
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(bucket.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'residency:markets', Value: 'none' }]));
      }
      expect(stack.terminationProtection).toBe(true);
    }
    const stack = watch.stacks(1)[1];
    watch.template(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'Artifacts/' }),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
    });
  });

  test.each([
    [
      'a canary stack',
      1,
      'Watch-ap-east-1',
      { 'AWS::KMS::Key': ['Key961B73FD'], 'AWS::S3::Bucket': ['AccessLogs8B620ECA', 'Artifacts82DD59A1'] },
    ],
    ['a goals-only stack', 1, 'Watch-us-west-1', { 'AWS::KMS::Key': ['Key961B73FD'], 'AWS::S3::Bucket': [] }],
  ])('%s pins the logical IDs of its stateful resources', (_name, phase, id, pinned) => {
    const stack = watch.stacks(phase).find((s) => s.node.id === id) as WatchInfo;
    for (const [type, ids] of Object.entries(pinned))
      expect([type, logicalIds(watch.template(stack), type)]).toEqual([type, ids]);
  });

  test.each([
    [1, 'Watch-us-west-1'],
    [1, 'Watch-ap-east-1'],
    [3, 'Watch-ap-south-1'],
  ])('phase %i %s matches its snapshot', (phase, id) => {
    const stack = watch.stacks(phase).find((s) => s.node.id === id) as WatchInfo;
    expect(watch.template(stack).toJSON()).toMatchSnapshot();
  });
});
