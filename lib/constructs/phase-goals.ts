import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  AVAILABILITY_METRIC,
  GOAL_NAMESPACE,
  LATENCY_METRIC,
  MARKET_DIMENSION,
  PHASE_DIMENSION,
  SERVICE_DIMENSION,
} from '../canary/goal-contract';
import type { GoalConfig } from '../config/schema';
import type { AlarmTopic } from './alarm-topic';

/** One market a phase serves, as its goals are watched. */
export interface WatchedMarketGoals {
  /** ISO code, such as `SG`. */
  readonly market: string;
  /** The market's name, for descriptions. */
  readonly name: string;
  /** The thresholds, from the plan. */
  readonly goals: GoalConfig;
  /** Where the market's canary runs. */
  readonly canaryRegion: string;
  /** The canary's name there, for its own metrics on the dashboard. */
  readonly canaryName: string;
  /** The services its canary probes. */
  readonly services: readonly string[];
}

/** Props for {@link PhaseGoals}. */
export interface PhaseGoalsProps {
  readonly phase: number;
  /** The phase's name, for descriptions. */
  readonly phaseName: string;
  readonly markets: readonly WatchedMarketGoals[];
  /** The window whose p90 latency is compared with each market's `latencyP90Ms`. */
  readonly latencyWindow: Duration;
  /** The window whose share of successful probes is compared with each market's `availabilityPercent`. */
  readonly availabilityWindow: Duration;
  /**
   * Whether the phase takes all of its markets' traffic: cutover 100 % and every copy ready or
   * finished. Until then a canary's layer is still partly served below the phase, so the exit
   * criteria stay in ALARM whatever the goal alarms read (they still show each market's state).
   */
  readonly cutoverComplete: boolean;
  /** The phase's cutover as a reviewer reads it (`50 %`, or one share per service), for the exit criteria's description. */
  readonly cutover: string;
  /** Every alarm here notifies it, on ALARM and on OK. */
  readonly topic: AlarmTopic;
}

/** A composite alarm's rule may name at most this many alarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html). */
const MAX_COMPOSITE_CHILDREN = 100;

/**
 * A phase's exit criteria: per market, one alarm on its latency goal and one on its availability
 * goal, over what its canary publishes to `Migration/Goals` here; one composite alarm that is OK
 * ("exit criteria met") only while every one of them is OK; and the widgets that show all of them
 * and each canary's own runs on the phase's dashboard ({@link PhaseGoals.widgets}). A goal not measured (no data: the canary does not run or cannot publish)
 * counts as not met. Lives in the phase's goals region: a composite alarm reads only alarms of its
 * own region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html).
 */
export class PhaseGoals extends Construct {
  public readonly exitCriteria: cloudwatch.CompositeAlarm;
  /** Every market's goal alarms, by market code. */
  public readonly alarms: ReadonlyMap<
    string,
    { readonly latency: cloudwatch.Alarm; readonly availability: cloudwatch.Alarm }
  >;
  /**
   * Rows for the phase's dashboard: the alarms' states (alarms of this region, as the dashboard's
   * stack is), then one row per market, each widget reading its metrics in an explicit region.
   */
  public readonly widgets: readonly (readonly cloudwatch.IWidget[])[];

  constructor(scope: Construct, id: string, props: PhaseGoalsProps) {
    super(scope, id);
    if (props.markets.length === 0) throw new Error(`${this.node.path}: a phase's goals need at least one market`);
    if (props.markets.length * 2 > MAX_COMPOSITE_CHILDREN) {
      throw new Error(
        `${this.node.path}: ${props.markets.length} markets make ${props.markets.length * 2} goal alarms, and a composite alarm reads at most ${MAX_COMPOSITE_CHILDREN}`,
      );
    }
    const phase = String(props.phase);
    const metric = (metricName: string, market: string, statistic: string, period: Duration, service?: string) =>
      new cloudwatch.Metric({
        namespace: GOAL_NAMESPACE,
        metricName,
        dimensionsMap: {
          [PHASE_DIMENSION]: phase,
          [MARKET_DIMENSION]: market,
          ...(service && { [SERVICE_DIMENSION]: service }),
        },
        statistic,
        period,
      });

    const alarms = new Map<string, { latency: cloudwatch.Alarm; availability: cloudwatch.Alarm }>();
    const rows: cloudwatch.IWidget[][] = [];
    for (const m of props.markets) {
      const who = `Phase ${phase} goal for ${m.name} (${m.market})`;
      const services = m.services.join(', ');
      const latency = metric(LATENCY_METRIC, m.market, 'p90', props.latencyWindow).createAlarm(
        this,
        `Latency${m.market}`,
        {
          threshold: m.goals.latencyP90Ms,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          evaluateLowSampleCountPercentile: 'evaluate',
          alarmDescription: `${who}: 9 requests in 10 from ${m.canaryRegion} answered within ${m.goals.latencyP90Ms} ms over ${props.latencyWindow.toMinutes()} minutes (${services}). ALARM: not met, or not measured.`,
        },
      );
      const availability = metric(AVAILABILITY_METRIC, m.market, 'Average', props.availabilityWindow).createAlarm(
        this,
        `Availability${m.market}`,
        {
          threshold: m.goals.availabilityPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          alarmDescription: `${who}: at least ${m.goals.availabilityPercent} % of requests from ${m.canaryRegion} answered 2xx or 3xx over ${props.availabilityWindow.toHours()} hours (${services}). ALARM: not met, or not measured.`,
        },
      );
      props.topic.notify(latency, availability);
      alarms.set(m.market, { latency, availability });
      rows.push(this.marketWidgets(m, metric, props));
    }
    this.alarms = alarms;

    const all = [...alarms.values()].flatMap((a) => [a.latency, a.availability]);
    // FALSE while the plan has not moved all of the phase's traffic: the rule changes with the cutover, in one deploy of the phase.
    const moved = props.cutoverComplete ? [] : [cloudwatch.AlarmRule.fromBoolean(false)];
    this.exitCriteria = new cloudwatch.CompositeAlarm(this, 'ExitCriteria', {
      alarmRule: cloudwatch.AlarmRule.not(
        cloudwatch.AlarmRule.allOf(
          ...moved,
          ...all.map((a) => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.OK)),
        ),
      ),
      alarmDescription: `Phase ${phase} (${props.phaseName}) exit criteria. OK: met, the phase takes all of its markets' traffic and every market it serves (${props.markets.map((m) => m.market).join(', ')}) meets its latency and availability goals. ALARM: a goal is not met or not measured${props.cutoverComplete ? '' : `, and always until the plan has the phase at 100 % with every copy ready (it has ${props.cutover})`}.`,
    });
    props.topic.notify(this.exitCriteria);

    this.widgets = [
      [
        new cloudwatch.AlarmStatusWidget({
          title: `Phase ${phase} exit criteria`,
          alarms: [this.exitCriteria, ...all],
          width: 24,
        }),
      ],
      ...rows,
    ];
  }

  /** One dashboard row per market: latency and availability against the goal, per service too, and the canary's own runs. */
  private marketWidgets(
    m: WatchedMarketGoals,
    metric: (name: string, market: string, statistic: string, period: Duration, service?: string) => cloudwatch.Metric,
    props: PhaseGoalsProps,
  ): cloudwatch.IWidget[] {
    const detail = Duration.minutes(5);
    const labelled = (base: cloudwatch.Metric, label: string) => base.with({ label });
    return [
      new cloudwatch.GraphWidget({
        title: `${m.market} p90 latency (ms), goal ${m.goals.latencyP90Ms}`,
        // The goals' metrics are here; the canary's own are in its region.
        region: Stack.of(this).region,
        left: [
          labelled(metric(LATENCY_METRIC, m.market, 'p90', props.latencyWindow), 'all services'),
          ...m.services.map((s) => labelled(metric(LATENCY_METRIC, m.market, 'p90', detail, s), s)),
        ],
        leftAnnotations: [{ value: m.goals.latencyP90Ms, label: 'goal' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: `${m.market} availability (%), goal ${m.goals.availabilityPercent}`,
        region: Stack.of(this).region,
        left: [
          labelled(metric(AVAILABILITY_METRIC, m.market, 'Average', props.availabilityWindow), 'all services'),
          ...m.services.map((s) => labelled(metric(AVAILABILITY_METRIC, m.market, 'Average', detail, s), s)),
        ],
        leftAnnotations: [{ value: m.goals.availabilityPercent, label: 'goal' }],
        leftYAxis: { max: 100 },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: `${m.market} canary runs in ${m.canaryRegion} (% passed)`,
        region: m.canaryRegion,
        left: [
          new cloudwatch.Metric({
            namespace: 'CloudWatchSynthetics',
            metricName: 'SuccessPercent',
            dimensionsMap: { CanaryName: m.canaryName },
            statistic: 'Average',
            period: detail,
            region: m.canaryRegion,
            label: m.canaryName,
          }),
        ],
        leftYAxis: { max: 100 },
        width: 8,
      }),
    ];
  }
}
