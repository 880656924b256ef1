import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Props for {@link WebAcl}. */
export interface WebAclProps {
  /** `REGIONAL` for a load balancer; `CLOUDFRONT` for a distribution (must be created in us-east-1). */
  readonly scope: 'REGIONAL' | 'CLOUDFRONT';
  /**
   * Requests one client IP may make in any 5 minutes before it is blocked.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Encrypts the full request log. Request logs hold client IPs, which are personal data, so
   * they are written only where the caller's data may live.
   * @default - no request log and no sampled requests: only metrics (the edge, in us-east-1)
   */
  readonly logsKey?: IKey;
  /**
   * Days request logs are kept.
   * @default 365
   */
  readonly logRetentionDays?: logs.RetentionDays;
}

/** The AWS managed rule groups every web ACL applies, in priority order. */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
];

/** A WAF web ACL: AWS managed rule groups, a per-IP rate limit, metrics, and optional request logs. */
export class WebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const metricPrefix = Names.uniqueId(this).slice(-40);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: props.logsKey !== undefined,
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'Default', {
      scope: props.scope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(metricPrefix),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.rateLimitPer5Minutes ?? 2000, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility(`${metricPrefix}-RateLimit`),
        },
        ...MANAGED_RULE_GROUPS.map((name, i) => ({
          name,
          priority: i + 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          visibilityConfig: visibility(`${metricPrefix}-${name}`),
        })),
      ],
    });

    if (props.logsKey) {
      // WAF only logs to groups whose name starts with aws-waf-logs-:
      // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
      const logGroup = new logs.LogGroup(this, 'RequestLogs', {
        logGroupName: `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 400 })}`,
        encryptionKey: props.logsKey,
        retention: props.logRetentionDays ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      new wafv2.CfnLoggingConfiguration(this, 'Logging', {
        resourceArn: this.webAcl.attrArn,
        logDestinationConfigs: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: logGroup.logGroupName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
        redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
      });
    }
  }
}
