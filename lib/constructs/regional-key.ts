import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Props for {@link RegionalKey}. */
export interface RegionalKeyProps {
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /**
   * AWS services of this account that may use the key: `logs` lets CloudWatch Logs encrypt this
   * region's log groups, `alarms` lets CloudWatch alarms publish to topics it encrypts, `events`
   * lets EventBridge rules do the same.
   * @default - none
   */
  readonly usedBy?: readonly KeyUser[];
}

/** An AWS service that may use a {@link RegionalKey} on this account's behalf. */
export type KeyUser = 'logs' | 'alarms' | 'events';

/**
 * A customer-managed KMS key for one region: single-region (a multi-region key could decrypt
 * the data elsewhere), yearly rotation, a 30-day deletion window, retained on stack removal.
 * Its child is `Default`, so wrapping an existing key keeps its logical ID.
 */
export class RegionalKey extends Construct {
  public readonly key: kms.Key;
  private readonly users = new Set<KeyUser>();

  constructor(scope: Construct, id: string, props: RegionalKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Default', {
      description: props.description,
      enableKeyRotation: true,
      multiRegion: false,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allow(...(props.usedBy ?? []));
  }

  /** Lets these services of this account use the key (each statement once, in the order given). */
  public allow(...users: KeyUser[]): void {
    for (const user of users) {
      if (this.users.has(user)) continue;
      this.users.add(user);
      if (user === 'logs') this.allowLogs();
      else if (user === 'alarms') this.allowService('cloudwatch.amazonaws.com');
      else this.allowService('events.amazonaws.com');
    }
  }

  private allowLogs(): void {
    const stack = Stack.of(this);
    // CloudWatch Logs encrypts groups with the key only if its policy allows it:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  /**
   * A service that publishes to an SNS topic this key encrypts must be able to use the key: alarms
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html) and
   * EventBridge rules (https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification).
   */
  private allowService(principal: string): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(principal)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }
}
