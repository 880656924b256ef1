import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';

/** Props for {@link MigrationAlarms}. */
export interface MigrationAlarmsProps {
  /**
   * Encrypts the topic; its policy must let CloudWatch use it (see RegionalKey's `usedBy`).
   * @default - a key of the topic's own (see AlarmTopic)
   */
  readonly encryptionKey?: IKey;
  /** Subscribed to the topic. @default - no subscription */
  readonly email?: string;
}

/**
 * Alarms on what carries a migration in one stack: each VPN connection's tunnels, each service
 * run on a provider's hosts, each Route 53 health check that moves users (in us-east-1, where its
 * metrics are), notifying one topic and shown on one dashboard.
 */
export class MigrationAlarms extends Construct {
  public readonly topic: AlarmTopic;
  public readonly dashboard: cloudwatch.Dashboard;
  private healthChecks = 0;

  constructor(scope: Construct, id: string, props: MigrationAlarmsProps) {
    super(scope, id);
    this.topic = new AlarmTopic(this, 'Topic', { encryptionKey: props.encryptionKey, email: props.email });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
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
    this.add(
      state.createAlarm(this, `Vpn-${peer}`, {
        // 0.5 is one tunnel of two down (AWS maintenance does that routinely); 0 is both.
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        // No data: the connection reports nothing, so nothing crosses it either.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `Both tunnels of the VPN to ${peer} down for 10 minutes: replication over it has stopped.`,
      }),
      `VPN to ${peer}`,
    );
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
    this.add(
      running.createAlarm(this, `RunningTasks-${name}`, {
        threshold: desired,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `${name} at the provider's site ran fewer than ${desired} tasks for 5 minutes.`,
      }),
      `${name} running tasks`,
    );
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
    this.add(
      status.createAlarm(this, `HealthCheck${this.healthChecks++}`, {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // No data means Route 53 is not checking: as bad as unhealthy for a record that relies on it.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `${target}: unhealthy for 3 minutes, so Route 53 sends no one there until it recovers.`,
      }),
      target,
    );
  }

  private add(alarm: cloudwatch.Alarm, title: string): void {
    this.topic.notify(alarm);
    this.dashboard.addWidgets(new cloudwatch.AlarmWidget({ title, alarm, width: 12 }));
  }
}
