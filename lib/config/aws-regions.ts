/**
 * Commercial AWS regions and the country whose law governs data stored in each.
 *
 * Kept as data rather than looked up, because synth never calls AWS (no credentials in CI).
 * Source: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export const AWS_REGION_COUNTRIES: Readonly<Record<string, string>> = {
  'us-east-1': 'US',
  'us-east-2': 'US',
  'us-west-1': 'US',
  'us-west-2': 'US',
  'af-south-1': 'ZA',
  'ap-east-1': 'HK',
  'ap-east-2': 'TW',
  'ap-south-1': 'IN',
  'ap-south-2': 'IN',
  'ap-southeast-1': 'SG',
  'ap-southeast-2': 'AU',
  'ap-southeast-3': 'ID',
  'ap-southeast-4': 'AU',
  'ap-southeast-5': 'MY',
  'ap-southeast-7': 'TH',
  'ap-northeast-1': 'JP',
  'ap-northeast-2': 'KR',
  'ap-northeast-3': 'JP',
  'ca-central-1': 'CA',
  'ca-west-1': 'CA',
  'eu-central-1': 'DE',
  'eu-central-2': 'CH',
  'eu-west-1': 'IE',
  'eu-west-2': 'GB',
  'eu-west-3': 'FR',
  'eu-south-1': 'IT',
  'eu-south-2': 'ES',
  'eu-north-1': 'SE',
  'il-central-1': 'IL',
  'me-south-1': 'BH',
  'me-central-1': 'AE',
  'mx-central-1': 'MX',
  'sa-east-1': 'BR',
  'cn-north-1': 'CN',
  'cn-northwest-1': 'CN',
};

/** CloudFront reads viewer certificates and CLOUDFRONT-scope web ACLs only from this region. */
export const EDGE_REGION = 'us-east-1';

export function isKnownAwsRegion(region: string): boolean {
  return Object.hasOwn(AWS_REGION_COUNTRIES, region);
}
