import {
  decodeGoalProbeConfig,
  encodeGoalProbeConfig,
  GOAL_NAMESPACE,
  type GoalProbeConfig,
  type ProbeTarget,
} from '../../lib/canary/goal-contract';
import type { GoalMetricData } from '../../lib/canary/goal-metrics';
import { type GoalProbeDependencies, runGoalProbe } from '../../lib/canary/goal-probe';
import type { ProbeResult } from '../../lib/canary/probe';

const CONFIG: GoalProbeConfig = {
  phase: '2',
  market: 'MY',
  metricsRegion: 'us-west-2',
  targets: ['accounts', 'messaging', 'photos'].map((service) => ({
    service,
    host: `p2.my.${service}.shop.example.com`,
    serverName: `${service}.shop.example.com`,
    path: '/',
  })),
};
const AT = new Date('2026-11-23T12:00:00Z');

/** Fakes that record what a run did, with a probe answering from a table. */
function world(answers: Record<string, Omit<ProbeResult, 'service'>>) {
  const steps: string[] = [];
  const published: GoalMetricData[] = [];
  const logs: string[] = [];
  const deps: GoalProbeDependencies = {
    step: async (name, run) => {
      steps.push(name);
      return run();
    },
    probe: async (t: ProbeTarget) => ({ service: t.service, ...answers[t.service] }),
    publish: async (data) => {
      published.push(data);
    },
    log: (m) => logs.push(m),
    now: () => AT,
  };
  return { deps, steps, published, logs };
}

const ok = (latencyMs: number) => ({ ok: true, latencyMs, status: 200 });

describe('runGoalProbe', () => {
  test('probes every service in its own step and publishes availability and latency per market and per service', async () => {
    // GIVEN
    const w = world({ accounts: ok(120), messaging: ok(80), photos: ok(300) });
    // WHEN
    const results = await runGoalProbe(CONFIG, w.deps);
    // THEN
    expect(w.steps).toEqual(['accounts', 'messaging', 'photos']);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(w.published).toHaveLength(1);
    const { Namespace, MetricData } = w.published[0];
    expect(Namespace).toBe(GOAL_NAMESPACE);
    const market = [
      { Name: 'Phase', Value: '2' },
      { Name: 'Market', Value: 'MY' },
    ];
    expect(MetricData.filter((d) => d.Dimensions.length === 2)).toEqual(
      [120, 80, 300].flatMap((ms) => [
        { MetricName: 'Availability', Dimensions: market, Timestamp: AT, Value: 100, Unit: 'Percent' },
        { MetricName: 'Latency', Dimensions: market, Timestamp: AT, Value: ms, Unit: 'Milliseconds' },
      ]),
    );
    expect(
      MetricData.find((d) => d.Dimensions.some((x) => x.Value === 'photos') && d.MetricName === 'Latency'),
    ).toEqual({
      MetricName: 'Latency',
      Dimensions: [...market, { Name: 'Service', Value: 'photos' }],
      Timestamp: AT,
      Value: 300,
      Unit: 'Milliseconds',
    });
  });

  test('fails the run after probing every service and publishing, so a failure is both measured and seen', async () => {
    // GIVEN messaging answers 503
    const w = world({
      accounts: ok(120),
      messaging: { ok: false, latencyMs: 90, status: 503, error: 'HTTP 503' },
      photos: ok(300),
    });
    // WHEN / THEN
    await expect(runGoalProbe(CONFIG, w.deps)).rejects.toThrow(
      /^phase 2 MY: 1 of 3 probes failed: messaging \(HTTP 503\)$/,
    );
    expect(w.steps).toEqual(['accounts', 'messaging', 'photos']);
    const market = w.published[0].MetricData.filter((d) => d.Dimensions.length === 2);
    // A failed probe counts 0 for availability and has no latency: its time is not the service's.
    expect(market.filter((d) => d.MetricName === 'Availability').map((d) => d.Value)).toEqual([100, 0, 100]);
    expect(market.filter((d) => d.MetricName === 'Latency').map((d) => d.Value)).toEqual([120, 300]);
  });

  test('a step that fails before probing still counts as a failed probe', async () => {
    // GIVEN the step runner itself throws for photos
    const w = world({ accounts: ok(1), messaging: ok(1), photos: ok(1) });
    const deps = {
      ...w.deps,
      step: async <T>(name: string, run: () => Promise<T>) => {
        if (name === 'photos') throw new Error('step refused');
        return run();
      },
    };
    // WHEN / THEN
    await expect(runGoalProbe(CONFIG, deps)).rejects.toThrow(/photos \(step refused\)/);
    expect(w.published[0].MetricData.filter((d) => d.MetricName === 'Availability').map((d) => d.Value)).toEqual([
      100, 100, 100, 100, 0, 0,
    ]);
  });

  test('logs one line per service, with nothing but the name, outcome, time and status', async () => {
    const w = world({ accounts: ok(120), messaging: ok(80), photos: ok(300) });
    await runGoalProbe(CONFIG, w.deps);
    expect(w.logs).toEqual([
      'phase 2 MY accounts via p2.my.accounts.shop.example.com: ok in 120 ms (HTTP 200)',
      'phase 2 MY messaging via p2.my.messaging.shop.example.com: ok in 80 ms (HTTP 200)',
      'phase 2 MY photos via p2.my.photos.shop.example.com: ok in 300 ms (HTTP 200)',
    ]);
  });
});

describe('the configuration a canary gets', () => {
  test('round-trips through its environment variable', () => {
    expect(decodeGoalProbeConfig(encodeGoalProbeConfig(CONFIG))).toEqual(CONFIG);
  });

  test.each<[string, string | undefined, RegExp]>([
    ['fails if it is missing', undefined, /GOAL_PROBE_CONFIG is not set/],
    ['fails if it has no target', JSON.stringify({ ...CONFIG, targets: [] }), /targets is not a non-empty list/],
    [
      'fails if a target has no host, naming every problem',
      JSON.stringify({ ...CONFIG, market: '', targets: [{ ...CONFIG.targets[0], host: '' }] }),
      /market is not a non-empty string; targets\[0\]\.host is not a non-empty string/,
    ],
  ])('%s', (_name, text, message) => {
    expect(() => decodeGoalProbeConfig(text)).toThrow(message);
  });
});
