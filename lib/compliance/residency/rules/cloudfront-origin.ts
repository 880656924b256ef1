import { Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { isOwnOrLocal, locate, type Whereabouts } from '../whereabouts';
import { viewerMarkets } from './cloudfront-log-bucket';
import { deployedProperties, dig, each, type ResidencyRule } from './residency-rule';

/**
 * CloudFront forwards each viewer's request (IP in X-Forwarded-For, cookies, what the viewer
 * sends) to an origin, so an origin is where viewers' data goes, whatever the distribution's
 * stack declares.
 */
export const CloudFrontOrigin: ResidencyRule = {
  id: 'CloudFrontOrigin',
  info: "The distribution forwards viewers' requests to an origin in a region one of its viewer markets does not allow, or to one the pack cannot place.",
  explanation:
    "Every request a viewer makes reaches the origin with the viewer's IP and whatever the viewer sends. Use origins of this app that hold no personal data (the static-pages bucket) or names the plan routes per market (the regional API name under the plan's domain); refuse at the edge (edge.blockedMarkets) the markets an origin's region does not allow.",
  covers: { 'AWS::CloudFront::Distribution': ['DistributionConfig.Origins'] },
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::CloudFront::Distribution') return NagRuleCompliance.NOT_APPLICABLE;
    const config = dig(deployedProperties(node), 'DistributionConfig');
    const viewers = viewerMarkets(policy, config);
    const stack = Stack.of(node);
    const findings = each(dig(config, 'Origins'), 'DistributionConfig.Origins').flatMap(({ item, path }) => {
      const domain = dig(item, 'DomainName');
      if (typeof domain === 'string' && isOwnOrLocal(domain, policy.ownDomains)) return [];
      const found = locate(stack, domain);
      // A store of this app declared to hold nobody's data (the public pages) is no flow of viewers' data.
      const where = found.filter(
        (w) => !(w.kind === 'region' && w.resource && policy.marketsOf(w.resource) === 'none'),
      );
      const placed: Whereabouts[] = found.length ? where : [{ kind: 'unprovable', why: 'origin-outside-aws' }];
      return policy.disallowedAt(viewers, placed, 'viewer-requests-to', `${path}.DomainName`);
    });
    return findings.length ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
  },
};
