import { type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ProbeTarget } from '../canary/goal-contract';
import { declareResidency, NO_PERSONAL_DATA } from '../compliance/residency/residency-declaration';
import { AlarmTopic } from '../constructs/alarm-topic';
import { GoalCanary } from '../constructs/goal-canary';
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

  constructor(scope: Construct, id: string, props: WatchStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    if (props.probes.length === 0 && !props.goals) {
      throw new Error(`${this.node.path}: a watch stack needs canaries or the phase's goals`);
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
    }
  }
}
