import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { declareResidency, NO_PERSONAL_DATA } from '../compliance/residency/residency-declaration';
import { RegionalKey } from './regional-key';

/** The service principal CloudWatch alarms publish to SNS as. */
const CLOUDWATCH = 'cloudwatch.amazonaws.com';
/** The service principal EventBridge rules publish to SNS as. */
const EVENTBRIDGE = 'events.amazonaws.com';

/** Props for {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /**
   * Encrypts the topic. Its key policy must already let CloudWatch use it (`kms:Decrypt` and
   * `kms:GenerateDataKey*` for `cloudwatch.amazonaws.com`), as a data stack's logs key does:
   * CloudWatch cannot publish to an encrypted topic otherwise. The same holds for
   * `events.amazonaws.com` once an EventBridge rule publishes here ({@link AlarmTopic.allowEventRule}).
   * @default - a new regional key of this construct whose policy lets this account's CloudWatch use it
   */
  readonly encryptionKey?: IKey;
  /**
   * Subscribes this address to the topic.
   * @default - no subscription
   */
  readonly email?: string;
}

/**
 * The one way this app sends CloudWatch alarms anywhere: a KMS-encrypted SNS topic that only
 * accepts TLS publishes, whose policy lets CloudWatch alarms of this account and region publish
 * to it, declared as holding no personal data so it may e-mail people.
 *
 * `enforceSSL` writes a topic policy, and a topic policy replaces SNS's default one, so without
 * the CloudWatch statement no alarm could ever publish. The statement is scoped with
 * `aws:SourceAccount` and `aws:SourceArn` against the confused deputy
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
 *
 * Its child is `Default`, so the topic keeps the logical ID it had before this construct
 * existed and e-mail subscribers need not confirm again.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  /** The key that encrypts the topic. */
  public readonly key: IKey;
  private readonly action: cloudwatch.IAlarmAction;
  /** The key this construct made, whose policy it may extend; undefined when the key was given. */
  private readonly ownKey?: RegionalKey;
  private eventRules = 0;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.ownKey = props.encryptionKey ? undefined : this.createKey();
    this.key = props.encryptionKey ?? (this.ownKey as RegionalKey).key;
    this.topic = new sns.Topic(this, 'Default', { masterKey: this.key, enforceSSL: true });
    // Not `grantPublish`: with a key it would also write a key-policy statement, into another
    // stack when the key is a data stack's, and the key's own policy already covers CloudWatch.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal(CLOUDWATCH)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    // The topic may e-mail people outside AWS because it carries only alarm state changes.
    declareResidency(this, {
      markets: NO_PERSONAL_DATA,
      reason:
        'Carries CloudWatch alarm state changes (alarm name, metric, threshold) and DMS replication state changes (replication, state, message), never user data.',
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    this.action = new actions.SnsAction(this.topic);
  }

  /** Sends the alarm's transitions to ALARM and back to OK to the topic (metric and composite alarms alike). */
  public notify(...alarms: cloudwatch.AlarmBase[]): void {
    for (const alarm of alarms) {
      alarm.addAlarmAction(this.action);
      alarm.addOkAction(this.action);
    }
  }

  /**
   * Lets one EventBridge rule publish to the topic: a topic policy replaces SNS's default one, so
   * EventBridge needs its own statement, scoped to the rule's ARN against the confused deputy
   * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions).
   * EventBridge must also be able to use the topic's key: a key of this construct's own gets the
   * statement here; a key given in props must already have it (RegionalKey `usedBy: ['events']`).
   * Not `grantPublish` (what the `SnsTopic` target calls): it would grant any rule, with no condition.
   */
  public allowEventRule(rule: events.IRule): void {
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `AllowEventRule${++this.eventRules}`,
        principals: [new iam.ServicePrincipal(EVENTBRIDGE)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
    this.ownKey?.allow('events');
  }

  /**
   * A key for this topic alone. CloudWatch encrypts what it publishes to an encrypted topic with
   * the topic's key, so the key policy must allow it:
   * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
   * Scoped to this account like the data stacks' logs key, which serves the same purpose.
   */
  private createKey(): RegionalKey {
    return new RegionalKey(this, 'Key', {
      description: `Alarm notifications of ${Stack.of(this).stackName}`,
      usedBy: ['alarms'],
    });
  }
}
