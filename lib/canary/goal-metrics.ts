import {
  AVAILABILITY_METRIC,
  GOAL_NAMESPACE,
  type GoalProbeConfig,
  LATENCY_METRIC,
  MARKET_DIMENSION,
  PHASE_DIMENSION,
  SERVICE_DIMENSION,
} from './goal-contract';
import type { ProbeResult } from './probe';

/** One datum of CloudWatch's PutMetricData, as the AWS SDK for JavaScript v3 takes it. */
export interface MetricDatum {
  readonly MetricName: string;
  readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly Timestamp: Date;
  readonly Value: number;
  readonly Unit: 'Milliseconds' | 'Percent';
}

/** A PutMetricData request for the goals namespace. */
export interface GoalMetricData {
  readonly Namespace: typeof GOAL_NAMESPACE;
  readonly MetricData: readonly MetricDatum[];
}

/**
 * The measurements of one run: per probe, availability (100 or 0) and, when it succeeded, its
 * latency, each once per market (what the goal alarms read) and once per market and service (to
 * see which service misses). One raw value per datum: CloudWatch computes percentiles only from
 * raw values (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html).
 * A failed probe has no latency: its time is the timeout's, not the service's.
 */
export function goalMetricData(
  config: GoalProbeConfig,
  results: readonly ProbeResult[],
  timestamp: Date,
): GoalMetricData {
  const market = [
    { Name: PHASE_DIMENSION, Value: config.phase },
    { Name: MARKET_DIMENSION, Value: config.market },
  ];
  const data = results.flatMap((result) => {
    const perService = [...market, { Name: SERVICE_DIMENSION, Value: result.service }];
    return [market, perService].flatMap((dimensions): MetricDatum[] => [
      {
        MetricName: AVAILABILITY_METRIC,
        Dimensions: dimensions,
        Timestamp: timestamp,
        Value: result.ok ? 100 : 0,
        Unit: 'Percent',
      },
      ...(result.ok
        ? [
            {
              MetricName: LATENCY_METRIC,
              Dimensions: dimensions,
              Timestamp: timestamp,
              Value: result.latencyMs,
              Unit: 'Milliseconds' as const,
            },
          ]
        : []),
    ]);
  });
  return { Namespace: GOAL_NAMESPACE, MetricData: data };
}
