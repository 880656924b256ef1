import { NagRuleCompliance } from 'cdk-nag';
import { deployedProperties, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

/** Log subscriptions ship logs only into regions their markets allow. */
export const LogSubscriptionDestination: ResidencyRule = {
  id: 'LogSubscriptionDestination',
  info: 'A log subscription ships logs to a destination in a region one of their markets does not allow.',
  explanation: 'Logs hold IPs and request details. A subscription to another region copies them there.',
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::Logs::SubscriptionFilter') return NagRuleCompliance.NOT_APPLICABLE;
    const region = policy.regionOfReference(node, deployedProperties(node).DestinationArn);
    const findings = disallowed(policy, personalMarkets(policy, node), region, 'logs-shipped-to');
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
