import { dig, each, flowRule } from './residency-rule';

/** AWS Backup copies recovery points only into regions the backed-up markets allow. */
export const BackupCopyDestination = flowRule({
  id: 'BackupCopyDestination',
  info: 'The backup plan copies recovery points to a vault in a region one of its markets does not allow.',
  explanation:
    'A backup copy is the data. Point every copy action at a vault of this app in a region each market of the plan allows, or remove it.',
  how: 'backup-copied-to',
  covers: { 'AWS::Backup::BackupPlan': ['BackupPlan.BackupPlanRule.*.CopyActions'] },
  flows: (props) =>
    each(dig(props, 'BackupPlan', 'BackupPlanRule'), 'BackupPlan.BackupPlanRule').flatMap(({ item, path }) =>
      each(dig(item, 'CopyActions'), `${path}.CopyActions`).map((copy) => ({
        value: dig(copy.item, 'DestinationBackupVaultArn'),
        via: `${copy.path}.DestinationBackupVaultArn`,
      })),
    ),
});
