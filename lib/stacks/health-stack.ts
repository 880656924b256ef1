import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { AlarmTopic } from '../constructs/alarm-topic';

/** A health check that decides where users go, and what it checks. */
export interface WatchedHealthCheck {
  /** The public name and which side of it: `in.shop.example.com site`. */
  readonly target: string;
  readonly check: route53.HealthCheck;
}

/** Props for {@link HealthStack}. */
export interface HealthStackProps extends StackProps {
  /** The phase's health checks, from its service and site stacks in every region. */
  readonly healthChecks: readonly WatchedHealthCheck[];
  /** Subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * One per phase, in us-east-1: Route 53 publishes health-check metrics only there
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html), so the
 * alarms on the checks that move users between a site and the layer below live here, with their
 * topic and the phase's health dashboard. Health-check IDs arrive from the regional stacks by
 * `Fn::GetStackOutput`.
 */
export class HealthStack extends Stack {
  constructor(scope: Construct, id: string, props: HealthStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const topic = new AlarmTopic(this, 'AlarmTopic', { email: props.alarmEmail });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-health`,
      defaultInterval: Duration.hours(6),
    });
    const alarms = props.healthChecks.map(({ target, check }, i) => {
      // 1 healthy, 0 unhealthy; the minimum over a minute catches any checker region's failure.
      const status = new cloudwatch.Metric({
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensionsMap: { HealthCheckId: check.healthCheckId },
        statistic: cloudwatch.Stats.MINIMUM,
        period: Duration.minutes(1),
        label: target,
      });
      const alarm = status.createAlarm(this, `HealthCheck${i}`, {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // No data means Route 53 is not checking: as bad as unhealthy for a record that relies on it.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `${target}: unhealthy for 3 minutes, so Route 53 sends no one there until it recovers.`,
      });
      topic.notify(alarm);
      return alarm;
    });
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Route 53 health checks', alarms, width: 24 }));
  }
}
