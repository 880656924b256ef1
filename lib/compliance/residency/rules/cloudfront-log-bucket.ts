import { Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { REST_OF_WORLD } from '../../../config/schema';
import type { ResidencyPolicy } from '../residency-policy';
import { locate } from '../whereabouts';
import { asArray, deployedProperties, dig, type ResidencyRule } from './residency-rule';

/** The markets a distribution serves: every market and `*`, less its geo restriction. */
export function viewerMarkets(policy: ResidencyPolicy, distributionConfig: unknown): string[] {
  const geo = dig(distributionConfig, 'Restrictions', 'GeoRestriction');
  const type = dig(geo, 'RestrictionType');
  const listed = asArray(dig(geo, 'Locations')).filter((l): l is string => typeof l === 'string');
  return type === 'whitelist'
    ? policy.markets.filter((m) => listed.includes(m))
    : policy.markets.filter((m) => type !== 'blacklist' || !listed.includes(m) || m === REST_OF_WORLD);
}

/** CloudFront logs land only where every market the distribution serves allows. */
export const CloudFrontLogBucket: ResidencyRule = {
  id: 'CloudFrontLogBucket',
  info: 'The distribution logs viewers of a market to a bucket in a region that market does not allow.',
  explanation:
    "CloudFront access logs hold every viewer's IP address. The markets a distribution serves are all markets less its geo restriction; each must allow the log bucket's location. Move edge.logLocation, or list the market in the phase's edge.blockedMarkets.",
  covers: { 'AWS::CloudFront::Distribution': ['DistributionConfig.Logging'] },
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::CloudFront::Distribution') return NagRuleCompliance.NOT_APPLICABLE;
    const config = dig(deployedProperties(node), 'DistributionConfig');
    const bucket = dig(config, 'Logging', 'Bucket');
    if (bucket === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const viewers = viewerMarkets(policy, config);
    const where = locate(Stack.of(node), bucket);
    const findings = policy.disallowedAt(
      viewers,
      where.length ? where : [{ kind: 'unprovable', why: 'not-a-recognised-bucket' }],
      'viewer-logs-in',
      'DistributionConfig.Logging.Bucket',
    );
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
