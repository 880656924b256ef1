import { Annotations, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { declareResidency, NO_PERSONAL_DATA } from '../compliance/residency/residency-declaration';
import { AlarmTopic } from '../constructs/alarm-topic';
import { RegionalKey } from '../constructs/regional-key';
import { SecureBucket } from '../constructs/secure-bucket';
import { StaticSiteCdn } from '../constructs/static-site-cdn';

/** Props for {@link EdgeStack}. */
export interface EdgeStackProps extends StackProps {
  /** The public domain; the site answers at `<hostname>.<domain>`. */
  readonly domainName: string;
  readonly hostedZoneId: string;
  /** One DNS label, such as `www`. */
  readonly hostname: string;
  /** The service name whose regional API receives `/api/*`. */
  readonly apiService: string;
  /** Name and region of the bucket (in a data stack elsewhere) that keeps CloudFront logs. */
  readonly cdnLogs: { readonly bucketName: string; readonly region: string };
  /**
   * Countries refused at the edge (the plan's `edge.blockedMarkets`): every market that does not
   * allow the location of the CDN logs, which hold viewer IPs, and any the plan blocks by decision.
   */
  readonly blockedCountries: readonly string[];
  /**
   * Subscribed to the edge's alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Share of viewer requests answered 5xx, in percent, that pages.
   * @default 5
   */
  readonly errorRatePercent?: number;
}

/**
 * The phase's CDN in us-east-1: the static-pages bucket, the distribution, its WAF web ACL and
 * certificate, and the alarm on the distribution's error rate (CloudFront publishes its metrics
 * in us-east-1 only, so the alarm and its topic live here). Holds no personal data: pages are
 * public content, and viewer logs go to the data stack named by the plan. Termination
 * protection on (the pages bucket is retained).
 */
export class EdgeStack extends Stack {
  public readonly cdn: StaticSiteCdn;
  public readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.domainName,
    });
    const key = new RegionalKey(this, 'PagesKey', { description: `Static pages of ${this.stackName}` }).key;
    // The OAC grant lets this account's distributions decrypt with the key; naming the one
    // distribution would make the key depend on the distribution that depends on it.
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac',
      "PagesKey encrypts only the public static pages; letting this account's CloudFront distributions decrypt them exposes nothing the site does not already publish.",
    );
    const accessLogs = new SecureBucket(this, 'AccessLogs', { expirationDays: 365 }).bucket;

    this.cdn = new StaticSiteCdn(this, 'Site', {
      domainName: `${props.hostname}.${props.domainName}`,
      hostedZone: zone,
      encryptionKey: key,
      accessLogsBucket: accessLogs,
      cdnLogsBucket: s3.Bucket.fromBucketAttributes(this, 'CdnLogs', props.cdnLogs),
      apiDomainName: `${props.apiService}.${props.domainName}`,
      blockedCountries: props.blockedCountries,
    });
    // Each store here says itself why it holds no personal data; the stack's "none" does not vouch for it.
    declareResidency(this.cdn.bucket, {
      markets: NO_PERSONAL_DATA,
      reason: 'The static pages the site publishes to everyone: no user data is ever written here.',
    });
    declareResidency(accessLogs, {
      markets: NO_PERSONAL_DATA,
      reason:
        'Server access logs of the pages bucket, which only CloudFront reads through Origin Access Control: the requester is CloudFront, never a viewer.',
    });

    // CloudFront's metrics exist only in us-east-1, and each has the dimensions DistributionId
    // and Region=Global; an alarm on DistributionId alone would match no metric:
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { email: props.alarmEmail });
    const errorRate = this.cdn.distribution.metric5xxErrorRate({
      period: Duration.minutes(1),
      dimensionsMap: { DistributionId: this.cdn.distribution.distributionId, Region: 'Global' },
    });
    const alarm = errorRate.createAlarm(this, 'Cdn5xxErrorRate', {
      threshold: props.errorRatePercent ?? 5,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${props.hostname}.${props.domainName}: more than the allowed share of viewer requests answered 5xx for 3 of 5 minutes.`,
    });
    this.alarmTopic.notify(alarm);
  }
}
