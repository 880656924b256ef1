import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { MigrationAlarms } from '../constructs/migration-alarms';

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
 * topic (the phase's dashboard, in its goals region, shows each check). Health-check IDs arrive from the regional stacks by
 * `Fn::GetStackOutput`.
 */
export class HealthStack extends Stack {
  /** The health checks' alarms; the phase's dashboard shows what they watch. */
  public readonly migrationAlarms: MigrationAlarms;

  constructor(scope: Construct, id: string, props: HealthStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    this.migrationAlarms = new MigrationAlarms(this, 'Alarms', { email: props.alarmEmail });
    for (const { target, check } of props.healthChecks) this.migrationAlarms.watchHealthCheck(target, check);
  }
}
