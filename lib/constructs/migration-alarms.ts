import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import type { MarketReplication } from './market-replication';

/** Props for {@link MigrationAlarms}. */
export interface MigrationAlarmsProps {
  /**
   * Encrypts the topic; its policy must let CloudWatch use it, and EventBridge too once a
   * replication is watched (see RegionalKey's `usedBy`).
   * @default - a key of the topic's own (see AlarmTopic)
   */
  readonly encryptionKey?: IKey;
  /** Subscribed to the topic. @default - no subscription */
  readonly email?: string;
}

/** What a watched signal is about; the phase's dashboard gives each kind its own section. */
export type WatchedKind = 'vpn' | 'healthCheck' | 'providerService' | 'replication';

/**
 * One thing the phase's dashboard shows: a widget that reads its metrics in the region where they
 * are published (set explicitly, as the dashboard lives in another region).
 */
export interface WatchedSignal {
  readonly kind: WatchedKind;
  readonly widget: cloudwatch.IWidget;
}

/** The EventBridge event DMS sends when a serverless replication changes state. */
export const DMS_REPLICATION_STATE_CHANGE = 'DMS Replication State Change';

/**
 * Alarms on what carries a migration in one stack: each VPN connection's tunnels, each service
 * run on a provider's hosts, each Route 53 health check that moves users (in us-east-1, where its
 * metrics are), and the state changes of its DMS replications, all notifying one topic. What they
 * watch is shown on the phase's dashboard ({@link MigrationAlarms.signals}), in another region.
 */
export class MigrationAlarms extends Construct {
  public readonly topic: AlarmTopic;
  private readonly watched: WatchedSignal[] = [];
  private healthChecks = 0;
  private readonly replications: string[] = [];
  private replicationRule?: events.Rule;

  constructor(scope: Construct, id: string, props: MigrationAlarmsProps) {
    super(scope, id);
    this.topic = new AlarmTopic(this, 'Topic', { encryptionKey: props.encryptionKey, email: props.email });
  }

  /** The widgets of everything watched here, for the phase's dashboard. */
  public get signals(): readonly WatchedSignal[] {
    return [...this.watched, ...this.replicationSignals()];
  }

  /**
   * A VPN connection whose tunnels are all down. `TunnelState` is 1 while a BGP tunnel is
   * established and 0 otherwise; per connection, a value between 0 and 1 means some tunnel is down
   * (https://docs.aws.amazon.com/vpn/latest/s2svpn/monitoring-cloudwatch-vpn.html).
   */
  public watchVpn(peer: string, connection: ec2.CfnVPNConnection): void {
    const state = new cloudwatch.Metric({
      namespace: 'AWS/VPN',
      metricName: 'TunnelState',
      dimensionsMap: { VpnId: connection.ref },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    });
    const alarm = state.createAlarm(this, `Vpn-${peer}`, {
      // 0.5 is one tunnel of two down (AWS maintenance does that routinely); 0 is both.
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      // No data: the connection reports nothing, so nothing crosses it either.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `Both tunnels of the VPN to ${peer} down for 10 minutes: replication over it has stopped.`,
    });
    this.topic.notify(alarm);
    this.show('vpn', `VPN to ${peer} from ${this.where()}: share of tunnels up`, [state], {
      annotations: [
        { value: 0.5, label: 'one tunnel down' },
        { value: 0, label: 'both down: ALARM after 10 minutes' },
      ],
      max: 1,
    });
  }

  /**
   * A service on a provider's hosts running fewer tasks than it should, from Container Insights
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html).
   */
  public watchExternalService(name: string, service: ecs.ExternalService, desired: number): void {
    if (desired === 0) return;
    const running = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.serviceName },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
    });
    const alarm = running.createAlarm(this, `RunningTasks-${name}`, {
      threshold: desired,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${name} at the provider's site ran fewer than ${desired} tasks for 5 minutes.`,
    });
    this.topic.notify(alarm);
    this.show('providerService', `${name} on the provider's hosts (${this.where()}): running tasks`, [running], {
      annotations: [{ value: desired, label: `${desired} wanted` }],
    });
  }

  /**
   * A Route 53 health check failing for 3 minutes. Its metric exists only in us-east-1
   * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html): 1
   * healthy, 0 unhealthy; the minimum over a minute catches any checker region's failure.
   */
  public watchHealthCheck(target: string, check: route53.HealthCheck): void {
    const status = new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensionsMap: { HealthCheckId: check.healthCheckId },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
    });
    const alarm = status.createAlarm(this, `HealthCheck${this.healthChecks++}`, {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      // No data means Route 53 is not checking: as bad as unhealthy for a record that relies on it.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${target}: unhealthy for 3 minutes, so Route 53 sends no one there until it recovers.`,
    });
    this.topic.notify(alarm);
    this.show('healthCheck', `${target}: healthy (1) or not (0)`, [status], {
      annotations: [{ value: 1, label: 'healthy' }],
      max: 1,
    });
  }

  /**
   * Sends every state change of the DMS Serverless replications in this stack's region to the
   * topic: EventBridge receives `DMS Replication State Change` events from DMS (source `aws.dms`,
   * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-dms.html), so a failed or
   * stopped replication reaches a person. Not a metric alarm: the stored AWS documentation does
   * not say which CloudWatch dimensions DMS Serverless publishes its metrics under, and an alarm on
   * a guessed dimension never fires. Nor does it document a field of the event that names the
   * replication, so the rule takes the region's every serverless replication (a region with
   * replications of two stacks notifies both topics); the message names the replication. One rule
   * per stack, however many replications it runs.
   */
  public watchReplication(replication: MarketReplication): void {
    this.replications.push(replication.replication.replicationConfigIdentifier as string);
    if (this.replicationRule) return;
    const rule = new events.Rule(this, 'ReplicationStateChanges', {
      description: `State changes of the DMS Serverless replications in ${Stack.of(this).region}, for the alarm topic of ${Stack.of(this).stackName}.`,
      eventPattern: { source: ['aws.dms'], detailType: [DMS_REPLICATION_STATE_CHANGE] },
    });
    // The topic's own policy lets this rule publish: no role on the target (EventBridge uses the
    // topic policy for SNS, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
    rule.addTarget({ bind: () => ({ arn: this.topic.topic.topicArn }) });
    this.topic.allowEventRule(rule);
    this.replicationRule = rule;
  }

  /**
   * The replication rule's own metrics: events it matched and deliveries that failed for good
   * (EventBridge reports both by `RuleName`, the second only when not zero,
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
   */
  private replicationSignals(): WatchedSignal[] {
    const rule = this.replicationRule;
    if (!rule) return [];
    const metric = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName,
        dimensionsMap: { RuleName: rule.ruleName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
        label,
      }).attachTo(this);
    const region = Stack.of(this).region;
    return [
      {
        kind: 'replication',
        widget: new cloudwatch.TextWidget({
          markdown: `**DMS replications of ${Stack.of(this).stackName}** (${region}): ${this.replications.map((r) => `\`${r}\``).join(', ')}. Each state change of a serverless replication in ${region} is mailed by the stack's alarm topic.`,
          width: 8,
          height: 6,
        }),
      },
      {
        kind: 'replication',
        widget: new cloudwatch.GraphWidget({
          title: `DMS replication state changes in ${region} (${Stack.of(this).stackName})`,
          region,
          left: [
            metric('MatchedEvents', 'state changes'),
            metric('FailedInvocations', 'not delivered to the alarm topic'),
          ],
          width: 16,
        }),
      },
    ];
  }

  private show(
    kind: WatchedKind,
    title: string,
    metrics: cloudwatch.Metric[],
    options: { annotations: cloudwatch.HorizontalAnnotation[]; max?: number },
  ): void {
    this.watched.push({
      kind,
      widget: new cloudwatch.GraphWidget({
        title,
        // Explicit: the dashboard lives in the phase's goals region, these metrics here.
        region: Stack.of(this).region,
        left: metrics.map((m) => m.attachTo(this)),
        leftAnnotations: options.annotations,
        leftYAxis: { min: 0, max: options.max },
        width: 8,
      }),
    });
  }

  private where(): string {
    const stack = Stack.of(this);
    return `${stack.stackName} (${stack.region})`;
  }
}
