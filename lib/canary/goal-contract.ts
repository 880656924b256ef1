/**
 * The contract between the goal canaries (this folder, bundled into CloudWatch Synthetics) and the
 * app that deploys them and alarms on what they measure. Plain data only: both sides import it.
 */

/** Where canaries publish their measurements, in the phase's goals region. */
export const GOAL_NAMESPACE = 'Migration/Goals';

/** Milliseconds from the request's start (DNS included) to the last byte, of successful probes only. */
export const LATENCY_METRIC = 'Latency';

/** 100 for a probe answered 2xx or 3xx within the timeout, 0 otherwise: its average is the availability in percent. */
export const AVAILABILITY_METRIC = 'Availability';

/** The dimensions of both metrics: every datum is published per market and again per market and service. */
export const PHASE_DIMENSION = 'Phase';
export const MARKET_DIMENSION = 'Market';
export const SERVICE_DIMENSION = 'Service';

/** A probe that has not finished by then counts as failed. Goals above it could never be met. */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * How long a canary run may last: no longer than its interval, and at most Synthetics' 14 minutes
 * (https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CanaryRunConfigInput.html).
 */
export function canaryTimeoutSeconds(probeEveryMinutes: number): number {
  return Math.min(probeEveryMinutes * 60, 840);
}

/** The bundle's file under `nodejs/node_modules/` and its exported function, as Synthetics names a handler. */
export const GOAL_PROBE_FILE = 'goal-probe';
export const GOAL_PROBE_HANDLER = `${GOAL_PROBE_FILE}.handler`;

/** The environment variable that carries a canary's {@link GoalProbeConfig} as JSON. */
export const GOAL_PROBE_CONFIG_VARIABLE = 'GOAL_PROBE_CONFIG';

/** One service a canary probes: its layer name, resolved through DNS as a user's is. */
export interface ProbeTarget {
  /** The plan's service name, such as `shop`. */
  readonly service: string;
  /** The name to resolve and connect to: the phase's layer of the market, `p1.sg.shop.example.com`. */
  readonly host: string;
  /** What a browser sends as TLS server name and Host header: the service's public name, `shop.example.com`. */
  readonly serverName: string;
  /** The path requested, such as `/`. */
  readonly path: string;
}

/** What one canary measures and where it reports. */
export interface GoalProbeConfig {
  /** The phase number, as text (a dimension value). */
  readonly phase: string;
  /** The market's ISO code, such as `SG`. */
  readonly market: string;
  /** The AWS region whose CloudWatch receives the measurements (the phase's goals region). */
  readonly metricsRegion: string;
  readonly targets: readonly ProbeTarget[];
}

/** The environment value for a canary: one JSON document, so nothing is split or escaped twice. */
export function encodeGoalProbeConfig(config: GoalProbeConfig): string {
  return JSON.stringify(config);
}

/** Reads and checks a canary's configuration; a canary deployed with a broken one fails at once, saying why. */
export function decodeGoalProbeConfig(text: string | undefined): GoalProbeConfig {
  if (!text) throw new Error(`${GOAL_PROBE_CONFIG_VARIABLE} is not set; expected the JSON the app writes`);
  const config = JSON.parse(text) as Partial<GoalProbeConfig>;
  const problems: string[] = [];
  for (const key of ['phase', 'market', 'metricsRegion'] as const) {
    if (typeof config[key] !== 'string' || config[key] === '') problems.push(`${key} is not a non-empty string`);
  }
  if (!Array.isArray(config.targets) || config.targets.length === 0) {
    problems.push('targets is not a non-empty list');
  } else {
    config.targets.forEach((t, i) => {
      for (const key of ['service', 'host', 'serverName', 'path'] as const) {
        if (typeof t?.[key] !== 'string' || t[key] === '')
          problems.push(`targets[${i}].${key} is not a non-empty string`);
      }
    });
  }
  if (problems.length > 0) throw new Error(`${GOAL_PROBE_CONFIG_VARIABLE}: ${problems.join('; ')}`);
  return config as GoalProbeConfig;
}
