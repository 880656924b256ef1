import { Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EDGE_REGION } from '../config/aws-regions';
import { SecureBucket } from './secure-bucket';
import { CLOUDFRONT_ORIGIN_MARKER, WebAcl } from './web-acl';

/** Props for {@link StaticSiteCdn}. */
export interface StaticSiteCdnProps {
  /** The site's public name, such as `www.example.com`. */
  readonly domainName: string;
  /** The public hosted zone: validates the certificate and receives the alias records. */
  readonly hostedZone: route53.IHostedZone;
  /** Encrypts the static-pages bucket. CloudFront reads it through Origin Access Control. */
  readonly encryptionKey: IKey;
  /** Receives S3 server access logs of the static-pages bucket. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Receives CloudFront standard logs. They hold viewer IPs, so the bucket sits in a location
   * every served market allows; it is usually in another region, found by name.
   */
  readonly cdnLogsBucket: s3.IBucket;
  /** The regional API name that `/api/*` goes to, uncached, over HTTPS. */
  readonly apiDomainName: string;
  /**
   * Countries the distribution refuses (ISO codes), exactly as the plan lists them; they keep
   * using the legacy site.
   * @default - none
   */
  readonly blockedCountries?: readonly string[];
}

/**
 * Static pages in a private S3 bucket served by CloudFront through Origin Access Control:
 * TLS 1.2_2021 minimum, HTTP/2 and HTTP/3, security headers, standard logging, a
 * CLOUDFRONT-scope WAF web ACL, an ACM certificate, and `/api/*` sent uncached to the regional API.
 * The web ACL limits each viewer's request rate, API calls included: it is the one place that
 * sees the viewer's own address. Requests to the API carry {@link CLOUDFRONT_ORIGIN_MARKER}, so the
 * regional web ACLs count them per edge address instead of throttling an edge as one client.
 *
 * Must live in us-east-1: CloudFront reads viewer certificates and web ACLs only from there
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html).
 */
export class StaticSiteCdn extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: StaticSiteCdnProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (region !== EDGE_REGION) {
      throw new Error(
        `${this.node.path}: StaticSiteCdn is in ${region}, expected ${EDGE_REGION} (CloudFront's certificate and WAF region)`,
      );
    }

    this.bucket = new SecureBucket(this, 'Pages', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.accessLogsBucket,
    }).bucket;

    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });
    // No request logs at the edge: they would put every market's viewer IPs in us-east-1.
    // Per viewer: at the edge a rate-based rule aggregates on the viewer's address.
    const acl = new WebAcl(this, 'WebAcl', { scope: 'CLOUDFRONT' });
    Validations.of(acl.webAcl).acknowledge({
      id: 'PCI.DSS.321-WAFv2LoggingEnabled',
      reason:
        "Request logs of the edge web ACL would store every market's viewer IPs in us-east-1, where most markets' data may not live; CloudFront's own access logs, kept in an allowed location, record each request instead.",
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Static pages for ${props.domainName}`,
      domainNames: [props.domainName],
      certificate,
      webAclId: acl.webAcl.attrArn,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      defaultRootObject: 'index.html',
      enableLogging: true,
      logBucket: props.cdnLogsBucket,
      logFilePrefix: 'cloudfront/',
      geoRestriction: props.blockedCountries?.length
        ? cloudfront.GeoRestriction.denylist(...props.blockedCountries)
        : undefined,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.HttpOrigin(props.apiDomainName, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
            customHeaders: { [CLOUDFRONT_ORIGIN_MARKER.headerName]: CLOUDFRONT_ORIGIN_MARKER.value },
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
    });

    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    const recordName = props.domainName;
    new route53.ARecord(this, 'AliasA', { zone: props.hostedZone, recordName, target });
    new route53.AaaaRecord(this, 'AliasAaaa', { zone: props.hostedZone, recordName, target });
  }
}
