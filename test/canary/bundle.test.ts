import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGoalProbeConfig, GOAL_PROBE_CONFIG_VARIABLE } from '../../lib/canary/goal-contract';
import { bundleGoalProbe, GOAL_PROBE_BUNDLE_PATH } from '../../lib/constructs/goal-probe-code';

// What the Synthetics runtime and the Lambda Node.js runtime provide, recorded.
const steps: string[] = [];
const sent: unknown[] = [];
jest.mock(
  'Synthetics',
  () => ({
    executeStep: (name: string, run: () => Promise<unknown>) => {
      steps.push(name);
      return run();
    },
  }),
  { virtual: true },
);
jest.mock('SyntheticsLogger', () => ({ info: () => undefined }), { virtual: true });
jest.mock(
  '@aws-sdk/client-cloudwatch',
  () => ({
    CloudWatchClient: class {
      constructor(public readonly config: { region: string }) {}
      async send(command: { input: unknown; region?: string }) {
        sent.push({ region: this.config.region, input: command.input });
      }
    },
    PutMetricDataCommand: class {
      constructor(public readonly input: unknown) {}
    },
  }),
  { virtual: true },
);

let dir: string;
beforeAll(() => {
  // GIVEN the canary bundled as synth bundles it
  dir = mkdtempSync(join(tmpdir(), 'goal-probe-'));
  bundleGoalProbe(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the goal canary bundle', () => {
  test('is one file where Synthetics looks for a Node.js handler', () => {
    expect(GOAL_PROBE_BUNDLE_PATH).toBe(join('nodejs', 'node_modules', 'goal-probe.js'));
    expect(existsSync(join(dir, GOAL_PROBE_BUNDLE_PATH))).toBe(true);
  });

  test('leaves out what the runtime provides and carries none of the app', () => {
    const code = readFileSync(join(dir, GOAL_PROBE_BUNDLE_PATH), 'utf8');
    for (const provided of ['Synthetics', 'SyntheticsLogger', '@aws-sdk/client-cloudwatch']) {
      expect(code).toContain(`require("${provided}")`);
    }
    expect(code).not.toMatch(/aws-cdk-lib|constructs|esbuild|zod/);
    expect(code.length).toBeLessThan(20_000);
  });

  test('runs end to end: probes, publishes to the goals region, then fails the run for an unreachable service', async () => {
    // GIVEN a canary configured for one target nobody answers on (port 443 of this machine)
    process.env[GOAL_PROBE_CONFIG_VARIABLE] = encodeGoalProbeConfig({
      phase: '3',
      market: 'BR',
      metricsRegion: 'ap-south-1',
      targets: [{ service: 'shop', host: '127.0.0.1', serverName: 'shop.shop.example.com', path: '/' }],
    });
    const { handler } = require(join(dir, GOAL_PROBE_BUNDLE_PATH)) as { handler: () => Promise<void> };
    // WHEN / THEN
    await expect(handler()).rejects.toThrow(/^phase 3 BR: 1 of 1 probes failed: shop \(/);
    expect(steps).toEqual(['shop']);
    expect(sent).toEqual([
      {
        region: 'ap-south-1',
        input: expect.objectContaining({
          Namespace: 'Migration/Goals',
          MetricData: expect.arrayContaining([expect.objectContaining({ MetricName: 'Availability', Value: 0 })]),
        }),
      },
    ]);
    delete process.env[GOAL_PROBE_CONFIG_VARIABLE];
  });
});
