import { NagRuleCompliance } from 'cdk-nag';
import { asArray, deployedProperties, dig, disallowed, personalMarkets, type ResidencyRule } from './residency-rule';

/** AWS Backup copies recovery points only into regions the backed-up markets allow. */
export const BackupCopyDestination: ResidencyRule = {
  id: 'BackupCopyDestination',
  info: 'The backup plan copies recovery points to a vault in a region one of its markets does not allow.',
  explanation: 'A backup copy is the data. A copy action to another region moves it there.',
  check(policy, node) {
    if (node.cfnResourceType !== 'AWS::Backup::BackupPlan') return NagRuleCompliance.NOT_APPLICABLE;
    const markets = personalMarkets(policy, node);
    const rules = asArray(dig(deployedProperties(node), 'BackupPlan', 'BackupPlanRule'));
    const findings = rules.flatMap((rule) =>
      asArray(dig(rule, 'CopyActions')).flatMap((copy) =>
        disallowed(
          policy,
          markets,
          policy.regionOfReference(node, dig(copy, 'DestinationBackupVaultArn')),
          'backup-copied-to',
        ),
      ),
    );
    return findings.length ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
  },
};
