import { type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ProbeTarget } from '../canary/goal-contract';
import { declareResidency, NO_PERSONAL_DATA } from '../compliance/residency/residency-declaration';
import { AlarmTopic } from '../constructs/alarm-topic';
import { GoalCanary } from '../constructs/goal-canary';
import type { WatchedKind, WatchedSignal } from '../constructs/migration-alarms';
import { PhaseDashboard } from '../constructs/phase-dashboard';
import { PhaseGoals, type PhaseGoalsProps } from '../constructs/phase-goals';
import { RegionalKey } from '../constructs/regional-key';
import { SecureBucket } from '../constructs/secure-bucket';

/** One market's canary in this region. */
export interface MarketProbe {
  /** ISO code, such as `SG`. */
  readonly market: string;
  /** From `goalCanaryName`. */
  readonly canaryName: string;
  /** Every service the phase serves the market, at the phase's layer name. */
  readonly targets: readonly ProbeTarget[];
}

/** Props for {@link WatchStack}. */
export interface WatchStackProps extends StackProps {
  readonly phase: number;
  /** The canaries of the markets whose nearest region this is. */
  readonly probes: readonly MarketProbe[];
  /** Where every canary of the phase publishes: the phase's goals region. */
  readonly metricsRegion: string;
  /** How often each canary probes. */
  readonly probeEvery: Duration;
  /**
   * The phase's goal alarms, exit composite and dashboard, when this stack is in its goals region.
   * @default - none: this stack only measures
   */
  readonly goals?: Omit<PhaseGoalsProps, 'topic'>;
  /**
   * The phase's dashboard, with `goals`: its name, and what the phase's other stacks watch (VPN
   * tunnels, health checks, provider services, replications), each read in its own region.
   * @default - required with `goals`
   */
  readonly dashboard?: {
    readonly name: string;
    readonly watched: readonly WatchedSignal[];
  };
  /**
   * Subscribed to the goals' alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Days canary runs' artifacts (each run's report and log) are kept.
   * @default 365 - the project's log retention
   */
  readonly artifactRetentionDays?: number;
}

/**
 * How a phase is measured from one region: the goal canaries of the markets nearest it, their
 * artifacts bucket (KMS-encrypted, access-logged, retained, expiring after the retention) and, in
 * the phase's goals region, the goal alarms, the exit composite and the dashboard. Holds no
 * personal data: canaries send synthetic requests and keep no response body. Termination
 * protection on, as for every stack with a retained bucket.
 */
export class WatchStack extends Stack {
  public readonly canaries: ReadonlyMap<string, GoalCanary>;
  public readonly goals?: PhaseGoals;
  public readonly alarmTopic?: AlarmTopic;
  public readonly dashboard?: PhaseDashboard;

  constructor(scope: Construct, id: string, props: WatchStackProps) {
    // The dashboard reads IDs (VPN connections, health checks, rules) from stacks in other regions.
    super(scope, id, { ...props, terminationProtection: true, crossRegionReferences: props.dashboard !== undefined });
    if (props.probes.length === 0 && !props.goals) {
      throw new Error(`${this.node.path}: a watch stack needs canaries or the phase's goals`);
    }
    if ((props.goals === undefined) !== (props.dashboard === undefined)) {
      throw new Error(`${this.node.path}: the phase's dashboard lives with its goals: give both or neither`);
    }
    const retentionDays = props.artifactRetentionDays ?? 365;
    const key = new RegionalKey(this, 'Key', {
      description: `Goal canaries and alarms of ${this.stackName}`,
      usedBy: props.goals ? ['alarms'] : [],
    }).key;

    const canaries = new Map<string, GoalCanary>();
    if (props.probes.length > 0) {
      const accessLogs = new SecureBucket(this, 'AccessLogs', { expirationDays: 365 }).bucket;
      const artifacts = new SecureBucket(this, 'Artifacts', {
        encryptionKey: key,
        serverAccessLogsBucket: accessLogs,
        expirationDays: retentionDays,
      }).bucket;
      // Each store says itself why it holds no personal data; the stack's "none" does not vouch for it.
      declareResidency(artifacts, {
        markets: NO_PERSONAL_DATA,
        reason:
          'Reports and logs of synthetic probes: the names requested, statuses and timings; no user request, cookie or response body.',
      });
      declareResidency(accessLogs, {
        markets: NO_PERSONAL_DATA,
        reason:
          'Server access logs of the artifacts bucket, which only the canaries of this stack write to: the requester is a canary role, never a user.',
      });
      for (const probe of props.probes) {
        canaries.set(
          probe.market,
          new GoalCanary(this, `Canary${probe.market}`, {
            canaryName: probe.canaryName,
            phase: props.phase,
            market: probe.market,
            targets: probe.targets,
            metricsRegion: props.metricsRegion,
            every: props.probeEvery,
            artifactsBucket: artifacts,
            encryptionKey: key,
            retentionDays,
          }),
        );
      }
    }
    this.canaries = canaries;

    if (props.goals) {
      this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { encryptionKey: key, email: props.alarmEmail });
      this.goals = new PhaseGoals(this, 'Goals', { ...props.goals, topic: this.alarmTopic });
      this.dashboard = this.phaseDashboard(
        props.goals,
        this.goals,
        props.dashboard as NonNullable<WatchStackProps['dashboard']>,
      );
    }
  }

  /**
   * The phase's one dashboard, here in its goals region: the exit criteria are a composite alarm
   * of this region, the one thing a dashboard may not be able to show from another region; every
   * other widget names the region of its metrics.
   */
  private phaseDashboard(
    goals: NonNullable<WatchStackProps['goals']>,
    built: PhaseGoals,
    dashboard: NonNullable<WatchStackProps['dashboard']>,
  ): PhaseDashboard {
    const of = (kind: WatchedKind) => [dashboard.watched.filter((w) => w.kind === kind).map((w) => w.widget)];
    return new PhaseDashboard(this, 'Dashboard', {
      dashboardName: dashboard.name,
      summary: `# Phase ${goals.phase}: ${goals.phaseName}\nCutover ${goals.cutover}. The exit criteria read OK once the phase takes all of its markets' traffic and every market meets its goals; every alarm here mails the on-call topic of its own stack.`,
      sections: [
        {
          heading: 'Exit criteria and goals',
          description:
            "Each market's p90 latency and availability against its goal, per service too, and its canary's own runs in the market's region.",
          rows: built.widgets,
        },
        {
          heading: 'VPN tunnels',
          description:
            "Share of each connection's tunnels up: 0.5 is one of two down (routine maintenance), 0 is both (ALARM after 10 minutes).",
          rows: of('vpn'),
        },
        {
          heading: 'Route 53 health checks',
          description:
            'Each check behind a record that moves users: below 1 for 3 minutes, Route 53 sends no one there and the market falls back to the layer below.',
          rows: of('healthCheck'),
        },
        {
          heading: 'Replications',
          description:
            'DMS Serverless state changes per region (each mailed by the topic of the stack that runs the replication); watch the full load, change-capture latency and validation in the DMS console.',
          rows: of('replication'),
        },
        {
          heading: "Provider sites' services",
          description: "Tasks running on the provider's hosts against the number wanted.",
          rows: of('providerService'),
        },
      ],
    });
  }
}
