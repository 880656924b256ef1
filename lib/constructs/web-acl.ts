import { ArnFormat, Aws, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * The header the CDN's API origin adds to every request it forwards to a regional load balancer,
 * so the regional web ACL can tell CloudFront's edge addresses from direct clients
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html).
 * Not a secret (see {@link WebAclProps.cloudFrontRateLimitPer5Minutes} for what that costs).
 */
export const CLOUDFRONT_ORIGIN_MARKER = { headerName: 'x-cdn-origin', value: 'cloudfront' } as const;

/** Props for {@link WebAcl}. */
export interface WebAclProps {
  /** `REGIONAL` for a load balancer; `CLOUDFRONT` for a distribution (must be created in us-east-1). */
  readonly scope: 'REGIONAL' | 'CLOUDFRONT';
  /**
   * Requests one client IP may make in any 5 minutes before it is blocked. At the edge the
   * client IP is the viewer's; on a load balancer it is the direct client's.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * `REGIONAL` only. Requests that carry {@link CLOUDFRONT_ORIGIN_MARKER} come from CloudFront edge
   * addresses, each the address of many viewers, whom the distribution's own web ACL already
   * limits one by one. They are exempt from the per-client limit and limited per edge address at
   * this rate instead. The marker is public: a direct client that sends it is limited at this
   * rate, not at `rateLimitPer5Minutes`, so keep it the lowest rate one edge address never reaches.
   * @default - no CloudFront class: every request is limited per source address
   */
  readonly cloudFrontRateLimitPer5Minutes?: number;
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

/**
 * The AWS managed rule groups every web ACL applies, in priority order, each with its own actions.
 * The common rule set's `SizeRestrictions_BODY` blocks every body over 8 KB on every path: uploads
 * go straight to S3 with presigned URLs and never cross a web ACL (see the data stack's object
 * stores), https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** A rule before its priority (its place in the list) and its metric name (`metric` ?? its name). */
type Rule = Omit<wafv2.CfnWebACL.RuleProperty, 'priority' | 'visibilityConfig'> & { readonly metric?: string };
type Statement = wafv2.CfnWebACL.StatementProperty;

/**
 * A WAF web ACL: a per-client rate limit, AWS managed rule groups, metrics, and optional request
 * logs.
 *
 * Rate limits count real clients. A rate-based rule aggregates on the address the request comes
 * from (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html).
 * At the edge that is the viewer. Behind CloudFront it is an edge address shared by every viewer
 * that edge serves, so a per-IP limit there throttles a whole city. The forwarded-IP alternative is
 * not sound: WAF reads the first address of `X-Forwarded-For`, which the client writes, and skips
 * the rule when the header is missing
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html),
 * so any direct client could escape its limit. `CloudFront-Viewer-Address` is forgeable the same
 * way by anyone who skips CloudFront. So CDN traffic is limited per viewer by the distribution's
 * web ACL, and a regional ACL limits per source address what does not come through CloudFront,
 * and per edge address, at a higher rate, what says it does.
 */
export class WebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    if (props.scope === 'CLOUDFRONT' && props.cloudFrontRateLimitPer5Minutes !== undefined) {
      throw new Error(
        `${this.node.path}: cloudFrontRateLimitPer5Minutes is for REGIONAL web ACLs behind CloudFront, not the distribution's own`,
      );
    }
    const metricPrefix = Names.uniqueId(this).slice(-40);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: props.logsKey !== undefined,
    });

    const rules: Rule[] = [...this.rateLimits(props), ...managedRules()];
    this.webAcl = new wafv2.CfnWebACL(this, 'Default', {
      scope: props.scope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(metricPrefix),
      rules: rules.map(({ metric, ...rule }, priority) => ({
        ...rule,
        priority,
        visibilityConfig: visibility(`${metricPrefix}-${metric ?? rule.name}`),
      })),
    });

    if (props.logsKey) {
      // WAF only logs to groups whose name starts with aws-waf-logs-:
      // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
      // The stack ID's UUID ends the name: the retained group of a deleted stack never collides
      // with the group of the stack created again under the same name.
      const logGroup = new logs.LogGroup(this, 'RequestLogs', {
        logGroupName: Fn.join('-', [
          `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 400 })}`,
          Fn.select(2, Fn.split('/', Aws.STACK_ID)),
        ]),
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

  private rateLimits(props: WebAclProps): Rule[] {
    const limit = props.rateLimitPer5Minutes ?? 2000;
    const edgeLimit = props.cloudFrontRateLimitPer5Minutes;
    if (edgeLimit === undefined) {
      return [
        {
          name: 'RateLimitPerIp',
          metric: 'RateLimit',
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP' } },
        },
      ];
    }
    const viaCloudFront: Statement = {
      byteMatchStatement: {
        fieldToMatch: { singleHeader: { Name: CLOUDFRONT_ORIGIN_MARKER.headerName } },
        positionalConstraint: 'EXACTLY',
        searchString: CLOUDFRONT_ORIGIN_MARKER.value,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    };
    return [
      {
        name: 'RateLimitPerIp',
        metric: 'RateLimit',
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit,
            aggregateKeyType: 'IP',
            scopeDownStatement: { notStatement: { statement: viaCloudFront } },
          },
        },
      },
      {
        name: 'RateLimitPerCloudFrontAddress',
        action: { block: {} },
        statement: {
          rateBasedStatement: { limit: edgeLimit, aggregateKeyType: 'IP', scopeDownStatement: viaCloudFront },
        },
      },
    ];
  }
}

function managedRules(): Rule[] {
  return MANAGED_RULE_GROUPS.map((name) => ({
    name,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  }));
}
