import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { HttpCodeTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IDatabaseCluster } from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import type { WebService } from './web-service';

/** Props for {@link ServiceAlarms}. */
export interface ServiceAlarmsProps {
  /** Encrypts the alarm topic; its key policy must already let CloudWatch use it (see {@link AlarmTopic}). */
  readonly topicKey: IKey;
  /**
   * Subscribes this address to the alarm topic.
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * p99 target response time that pages.
   * @default 2 seconds
   */
  readonly latencyP99Threshold?: Duration;
  /**
   * Share of requests answered 5xx, in percent, that pages.
   * @default 5
   */
  readonly errorRatePercent?: number;
  /**
   * Database CPU percentage that pages.
   * @default 80
   */
  readonly databaseCpuPercent?: number;
  /**
   * Database connections that page.
   * @default 500
   */
  readonly databaseConnections?: number;
  /**
   * Freeable memory on a database instance, in MiB, below which it pages.
   * @default 256
   */
  readonly databaseFreeMemoryMiB?: number;
}

/**
 * One region's alarms and dashboard: per service, p99 latency, 5xx rate, unhealthy hosts, and
 * the database's CPU, connections and free memory, all to one {@link AlarmTopic} that
 * CloudWatch may publish to.
 */
export class ServiceAlarms extends Construct {
  public readonly topic: AlarmTopic;
  public readonly dashboard: cloudwatch.Dashboard;
  private readonly props: ServiceAlarmsProps;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    this.props = props;
    this.topic = new AlarmTopic(this, 'Topic', { encryptionKey: props.topicKey, email: props.email });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });
  }

  /** Adds the alarms and dashboard row of one service (and its database, when it has one). */
  public monitor(name: string, web: WebService, database?: IDatabaseCluster): void {
    const p = this.props;
    const lb = web.loadBalancer.metrics;
    const period = Duration.minutes(1);

    const latency = lb.targetResponseTime({ statistic: 'p99', period });
    const requests = lb.requestCount({ period });
    const errors = lb.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, { period });
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors, requests },
      period,
      label: `${name} 5xx %`,
    });
    const unhealthy = web.targetGroup.metrics.unhealthyHostCount({ period, statistic: 'Maximum' });

    const alarms = [
      latency.createAlarm(this, `${name}LatencyP99`, {
        threshold: (p.latencyP99Threshold ?? Duration.seconds(2)).toSeconds(),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        alarmDescription: `${name}: p99 response time above threshold for 3 of 5 minutes.`,
      }),
      errorRate.createAlarm(this, `${name}ErrorRate`, {
        threshold: p.errorRatePercent ?? 5,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        alarmDescription: `${name}: more than the allowed share of requests answered 5xx.`,
      }),
      unhealthy.createAlarm(this, `${name}UnhealthyHosts`, {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        alarmDescription: `${name}: a target failed its health check for 3 minutes.`,
      }),
    ];
    const widgets: cloudwatch.IWidget[] = [
      new cloudwatch.GraphWidget({ title: `${name} p99 latency`, left: [latency] }),
      new cloudwatch.GraphWidget({ title: `${name} requests and 5xx %`, left: [requests], right: [errorRate] }),
      new cloudwatch.GraphWidget({ title: `${name} unhealthy hosts`, left: [unhealthy] }),
    ];

    if (database) {
      const dbPeriod = Duration.minutes(5);
      const cpu = database.metricCPUUtilization({ period: dbPeriod });
      const connections = database.metricDatabaseConnections({ period: dbPeriod });
      const memory = database.metricFreeableMemory({ period: dbPeriod, statistic: 'Minimum' });
      alarms.push(
        cpu.createAlarm(this, `${name}DatabaseCpu`, {
          threshold: p.databaseCpuPercent ?? 80,
          evaluationPeriods: 3,
          alarmDescription: `${name}: database CPU high for 15 minutes.`,
        }),
        connections.createAlarm(this, `${name}DatabaseConnections`, {
          threshold: p.databaseConnections ?? 500,
          evaluationPeriods: 3,
          alarmDescription: `${name}: database connections near the limit.`,
        }),
        memory.createAlarm(this, `${name}DatabaseFreeMemory`, {
          threshold: (p.databaseFreeMemoryMiB ?? 256) * 1024 * 1024,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 3,
          alarmDescription: `${name}: database freeable memory low for 15 minutes.`,
        }),
      );
      widgets.push(
        new cloudwatch.GraphWidget({ title: `${name} database CPU`, left: [cpu] }),
        new cloudwatch.GraphWidget({
          title: `${name} database connections and memory`,
          left: [connections],
          right: [memory],
        }),
      );
    }

    this.topic.notify(...alarms);
    this.dashboard.addWidgets(...widgets);
  }
}
