import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AlarmTopic } from '../../lib/constructs/alarm-topic';
import { GoalCanary, type GoalCanaryProps } from '../../lib/constructs/goal-canary';
import { PhaseDashboard } from '../../lib/constructs/phase-dashboard';
import { PhaseGoals, type WatchedMarketGoals } from '../../lib/constructs/phase-goals';
import { WatchStack } from '../../lib/stacks/watch-stack';

const stack = () => new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'ap-southeast-5' } });

function canary(overrides: Partial<GoalCanaryProps>) {
  const scope = stack();
  return () =>
    new GoalCanary(scope, 'Canary', {
      canaryName: 'migration-p1-my',
      phase: 1,
      market: 'MY',
      targets: [{ service: 'shop', host: 'p1.my.shop.example.com', serverName: 'shop.example.com', path: '/' }],
      metricsRegion: 'us-west-1',
      every: Duration.minutes(1),
      artifactsBucket: new s3.Bucket(scope, 'Artifacts'),
      encryptionKey: new kms.Key(scope, 'Key'),
      ...overrides,
    });
}

const market = (code: string): WatchedMarketGoals => ({
  market: code,
  name: code,
  goals: { latencyP90Ms: 300, availabilityPercent: 99.9 },
  canaryRegion: 'ap-southeast-1',
  canaryName: `migration-p1-${code.toLowerCase()}`,
  services: ['shop'],
});

function goals(markets: WatchedMarketGoals[]) {
  const scope = stack();
  return () =>
    new PhaseGoals(scope, 'Goals', {
      phase: 1,
      phaseName: 'Test',
      markets,
      cutoverComplete: true,
      cutover: '100 %',
      latencyWindow: Duration.hours(1),
      availabilityWindow: Duration.days(1),
      topic: new AlarmTopic(scope, 'Topic'),
    });
}

describe('goal constructs', () => {
  test('a canary with one target builds', () => {
    expect(canary({})).not.toThrow();
  });

  test.each<[string, () => unknown, RegExp]>([
    ['a goal canary has no target', canary({ targets: [] }), /a goal canary needs at least one target/],
    [
      'a goal canary runs more often than once a minute',
      canary({ every: Duration.seconds(30) }),
      /every must be a whole number of minutes from 1 to 60, got 0\.5/,
    ],
    ["a phase's goals have no market", goals([]), /a phase's goals need at least one market/],
    [
      "a phase's goals need more alarms than a composite alarm reads",
      goals(Array.from({ length: 51 }, (_, i) => market(`M${i}`))),
      /51 markets make 102 goal alarms, and a composite alarm reads at most 100/,
    ],
    [
      'a watch stack has neither canaries nor goals',
      () =>
        new WatchStack(new App(), 'Watch', {
          phase: 1,
          probes: [],
          metricsRegion: 'us-west-1',
          probeEvery: Duration.minutes(1),
        }),
      /a watch stack needs canaries or the phase's goals/,
    ],
    [
      "a watch stack has the phase's goals but not its dashboard",
      () =>
        new WatchStack(new App(), 'Watch', {
          env: { account: '111111111111', region: 'us-west-1' },
          phase: 1,
          probes: [],
          metricsRegion: 'us-west-1',
          probeEvery: Duration.minutes(1),
          goals: {
            phase: 1,
            phaseName: 'Test',
            markets: [market('SG')],
            cutoverComplete: true,
            cutover: '100 %',
            latencyWindow: Duration.hours(1),
            availabilityWindow: Duration.days(1),
          },
        }),
      /the phase's dashboard lives with its goals/,
    ],
    [
      "a dashboard's name has a character CloudWatch refuses",
      () => new PhaseDashboard(stack(), 'Dashboard', { dashboardName: 'migration p1', summary: 'x', sections: [] }),
      /dashboard name "migration p1" must be 1 to 255 of A-Z, a-z, 0-9/,
    ],
  ])('fails if %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
