/**
 * The goal canary: run by CloudWatch Synthetics near a market, it requests each service of a
 * phase at the market's layer name and publishes what it measured to the phase's goals region.
 * Bundled by esbuild into `nodejs/node_modules/goal-probe.js` (see `GoalProbeCode`).
 */
import {
  decodeGoalProbeConfig,
  GOAL_PROBE_CONFIG_VARIABLE,
  type GoalProbeConfig,
  PROBE_TIMEOUT_MS,
  type ProbeTarget,
} from './goal-contract';
import { type GoalMetricData, goalMetricData } from './goal-metrics';
import { type ProbeResult, probe } from './probe';

/** What a run needs from the world; the handler passes the real ones, tests pass fakes. */
export interface GoalProbeDependencies {
  /** Runs one named step (Synthetics reports each step's result and duration). */
  readonly step: <T>(name: string, run: () => Promise<T>) => Promise<T>;
  /** Probes one service. */
  readonly probe: (target: ProbeTarget) => Promise<ProbeResult>;
  /** Publishes the run's measurements to CloudWatch in the goals region. */
  readonly publish: (data: GoalMetricData) => Promise<void>;
  readonly log: (message: string) => void;
  /** @default the current time */
  readonly now?: () => Date;
}

/**
 * One run: every service probed in turn (one step each, so a slow service does not delay
 * another's measurement), every result published, then the run fails if any probe did, so the
 * canary's own success rate shows it too. A step's error is not lost: it is in its result, and
 * the run's error lists it.
 */
export async function runGoalProbe(config: GoalProbeConfig, deps: GoalProbeDependencies): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const target of config.targets) {
    let result: ProbeResult | undefined;
    try {
      await deps.step(target.service, async () => {
        result = await deps.probe(target);
        if (!result.ok) throw new Error(`${target.service}: ${result.error}`);
      });
    } catch (error) {
      result ??= { service: target.service, ok: false, latencyMs: 0, error: (error as Error).message };
    }
    const measured = result as ProbeResult;
    deps.log(
      `phase ${config.phase} ${config.market} ${target.service} via ${target.host}: ${measured.ok ? 'ok' : 'failed'} in ${measured.latencyMs} ms${measured.status ? ` (HTTP ${measured.status})` : ''}${measured.error ? `: ${measured.error}` : ''}`,
    );
    results.push(measured);
  }
  await deps.publish(goalMetricData(config, results, deps.now?.() ?? new Date()));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    throw new Error(
      `phase ${config.phase} ${config.market}: ${failed.length} of ${results.length} probes failed: ${failed.map((r) => `${r.service} (${r.error})`).join(', ')}`,
    );
  }
  return results;
}

/** The parts of the Synthetics runtime library this canary uses. */
interface SyntheticsLibrary {
  executeStep<T>(name: string, run: () => Promise<T>): Promise<T>;
}
interface SyntheticsLogger {
  info(message: string): void;
}
/** The parts of `@aws-sdk/client-cloudwatch` this canary uses. */
interface CloudWatchModule {
  CloudWatchClient: new (config: { region: string }) => { send(command: unknown): Promise<unknown> };
  PutMetricDataCommand: new (input: GoalMetricData) => unknown;
}

/**
 * The entry point Synthetics calls. `Synthetics` and `SyntheticsLogger` come with the Synthetics
 * runtime, and the AWS SDK for JavaScript v3 with the Lambda Node.js runtime under it, so the
 * bundle leaves them out (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Library_nodejs_puppeteer.html).
 */
export async function handler(): Promise<void> {
  const synthetics = require('Synthetics') as SyntheticsLibrary;
  const logger = require('SyntheticsLogger') as SyntheticsLogger;
  const { CloudWatchClient, PutMetricDataCommand } = require('@aws-sdk/client-cloudwatch') as CloudWatchModule;
  const config = decodeGoalProbeConfig(process.env[GOAL_PROBE_CONFIG_VARIABLE]);
  const cloudWatch = new CloudWatchClient({ region: config.metricsRegion });
  await runGoalProbe(config, {
    step: (name, run) => synthetics.executeStep(name, run),
    probe: (target) => probe(target, { timeoutMs: PROBE_TIMEOUT_MS }),
    publish: async (data) => {
      await cloudWatch.send(new PutMetricDataCommand(data));
    },
    log: (message) => logger.info(message),
  });
}
