import { NagRuleCompliance } from 'cdk-nag';
import { DATA_BEARING_TYPES, EDGE_TYPES } from '../data-bearing';
import { personalMarkets, type ResidencyRule } from './residency-rule';

/** Only CloudFront and what it needs sit in us-east-1, and none of it holds personal data. */
export const EdgeHoldsNoPersonalData: ResidencyRule = {
  id: 'EdgeHoldsNoPersonalData',
  info: 'A resource in the edge region (us-east-1) is not an edge resource, or holds personal data.',
  explanation:
    "CloudFront forces its certificate and WAF into us-east-1, which is no market's location. Only edge resources may sit there, declared as holding no personal data.",
  check(policy, node) {
    if (!policy.isEdgeRegion(policy.regionOf(node))) return NagRuleCompliance.NOT_APPLICABLE;
    const findings: string[] = [];
    if (!EDGE_TYPES.has(node.cfnResourceType)) findings.push(`type=${node.cfnResourceType};not-an-edge-resource`);
    if (DATA_BEARING_TYPES.has(node.cfnResourceType)) {
      findings.push(
        ...personalMarkets(policy, node).map((m) => policy.finding(m, policy.regionOf(node), 'stored-at-edge-in')),
      );
    }
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
