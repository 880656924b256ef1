import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import {
  canaryTimeoutSeconds,
  encodeGoalProbeConfig,
  GOAL_NAMESPACE,
  GOAL_PROBE_CONFIG_VARIABLE,
  GOAL_PROBE_HANDLER,
  type ProbeTarget,
} from '../canary/goal-contract';
import { GoalProbeCode } from './goal-probe-code';

/**
 * The Synthetics runtime of every goal canary: the newest Node.js one in this aws-cdk-lib (Node 22).
 * Puppeteer's, though the canary opens no browser: its `Synthetics` library and step reports are
 * what the handler uses.
 */
export const GOAL_CANARY_RUNTIME = synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0;

/** Props for {@link GoalCanary}. */
export interface GoalCanaryProps {
  /** The canary's name, from `goalCanaryName`: the dashboard finds its metrics by it. */
  readonly canaryName: string;
  /** The phase number, a dimension of every measurement. */
  readonly phase: number;
  /** The market's ISO code, a dimension of every measurement. */
  readonly market: string;
  /** Every service the phase serves the market, at the phase's layer name. */
  readonly targets: readonly ProbeTarget[];
  /** The region whose CloudWatch receives the measurements: the phase's goals region. */
  readonly metricsRegion: string;
  /** How often a run probes every target. At most once a minute. */
  readonly every: Duration;
  /** Keeps each run's report and log; shared by the stack's canaries, one prefix each. */
  readonly artifactsBucket: IBucket;
  /** Encrypts the artifacts and the canary's environment. */
  readonly encryptionKey: IKey;
  /**
   * Days Synthetics keeps each run's record, passed or failed.
   * @default 365 - the project's log retention
   */
  readonly retentionDays?: number;
}

/**
 * A CloudWatch Synthetics canary that probes, from its region, every service a phase serves a
 * market at the market's layer name, and publishes latency and availability to `Migration/Goals`
 * in the phase's goals region (see `lib/canary/goal-probe.ts`). It sends synthetic requests only:
 * no cookie, no token, no user ID, and it keeps no response body.
 *
 * Its role is the one `synthetics.Canary` makes (artifacts, logs, its own metrics), plus
 * `cloudwatch:PutMetricData` for this namespace in the goals region only. Its child is `Default`.
 */
export class GoalCanary extends Construct {
  public readonly canary: synthetics.Canary;

  constructor(scope: Construct, id: string, props: GoalCanaryProps) {
    super(scope, id);
    if (props.targets.length === 0) throw new Error(`${this.node.path}: a goal canary needs at least one target`);
    const minutes = props.every.toSeconds() / 60;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
      throw new Error(`${this.node.path}: every must be a whole number of minutes from 1 to 60, got ${minutes}`);
    }
    const retention = Duration.days(props.retentionDays ?? 365);

    this.canary = new synthetics.Canary(this, 'Default', {
      canaryName: props.canaryName,
      runtime: GOAL_CANARY_RUNTIME,
      test: synthetics.Test.custom({ code: new GoalProbeCode(), handler: GOAL_PROBE_HANDLER }),
      schedule: synthetics.Schedule.rate(props.every),
      // A run may last its interval, at most Synthetics' 14 minutes; loadPlan checks that the probes fit.
      timeout: Duration.seconds(canaryTimeoutSeconds(minutes)),
      // A retry would hide the failure the availability goal counts.
      maxRetries: 0,
      environmentVariables: {
        [GOAL_PROBE_CONFIG_VARIABLE]: encodeGoalProbeConfig({
          phase: String(props.phase),
          market: props.market,
          metricsRegion: props.metricsRegion,
          targets: props.targets,
        }),
      },
      environmentEncryption: props.encryptionKey,
      artifactsBucketLocation: { bucket: props.artifactsBucket, prefix: props.canaryName },
      artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.KMS,
      artifactS3KmsKey: props.encryptionKey,
      successRetentionPeriod: retention,
      failureRetentionPeriod: retention,
      // Synthetics deletes the canary's Lambda function with it.
      provisionedResourceCleanup: true,
    });

    const role = this.canary.role;
    // PutMetricData takes no resource; the namespace and region conditions are its only scope:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishGoalMeasurements',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'cloudwatch:namespace': GOAL_NAMESPACE, 'aws:RequestedRegion': props.metricsRegion },
        },
      }),
    );
    // The environment is encrypted with the key; the function decrypts it at start.
    props.encryptionKey.grantDecrypt(role);
    this.acknowledgeRole(role, props);
  }

  /** The findings on the canary's role, each for what Synthetics requires of it. */
  private acknowledgeRole(role: iam.IRole, props: GoalCanaryProps): void {
    const stack = Stack.of(this);
    const iam5 = (finding: string, reason: string) =>
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    iam5(
      'Resource::*',
      'Synthetics requires s3:ListAllMyBuckets, which has no resource, and cloudwatch:PutMetricData takes none either; both PutMetricData statements are scoped by namespace (CloudWatchSynthetics, Migration/Goals) and the goals one by region.',
    );
    iam5(
      `Resource::<${stack.getLogicalId(props.artifactsBucket.node.defaultChild as CfnElement)}.Arn>/${props.canaryName}/*`,
      "Each run writes new objects under the canary's own prefix of the artifacts bucket, whose keys Synthetics chooses at run time.",
    );
    iam5(
      `Resource::arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/lambda/cwsyn-*`,
      "Synthetics names the canary's Lambda function, and so its log group, when it creates it (cwsyn-<name>-<id>), so the group is known only by this prefix.",
    );
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      iam5(
        `Action::${action}`,
        'The grant of encrypt and decrypt on the one key that encrypts the artifacts and the environment; the wildcard covers its variants of one action, on that key only.',
      );
    }
    Validations.of(role).acknowledge({
      id: 'PCI.DSS.321-IAMNoInlinePolicy',
      reason:
        "This role's inline policies are the one Synthetics requires of a canary, as CDK writes it, and the grants on this canary's own key and metrics; attached to this role alone and reviewed in the synthesized template.",
    });
  }
}
