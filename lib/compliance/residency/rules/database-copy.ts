import { Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { locate } from '../whereabouts';
import { deployedProperties, dig, personalMarkets, type ResidencyRule } from './residency-rule';

/** Properties that make a new store a copy of another: read replicas, restores, imports. */
const SOURCES: Readonly<Record<string, readonly string[]>> = {
  'AWS::RDS::DBInstance': [
    'SourceDBInstanceIdentifier',
    'SourceDBClusterIdentifier',
    'SourceDBInstanceAutomatedBackupsArn',
  ],
  'AWS::RDS::DBCluster': ['ReplicationSourceIdentifier', 'SourceDBClusterIdentifier', 'SnapshotIdentifier'],
  'AWS::DocDB::DBCluster': ['SourceDBClusterIdentifier', 'SnapshotIdentifier'],
  'AWS::Neptune::DBCluster': ['SourceDBClusterIdentifier', 'SnapshotIdentifier'],
  'AWS::DynamoDB::Table': ['ImportSourceSpecification'],
};

/**
 * A database copies personal data only where its markets allow, in both directions: automated
 * backups replicated to another region (out), and read replicas, restores and imports whose
 * source holds markets that may not live here (in).
 */
export const DatabaseCopy: ResidencyRule = {
  id: 'DatabaseCopy',
  info: 'A database replicates its automated backups to a region its markets do not allow, or is a replica, restore or import of a store whose markets may not live in this region (or that the pack cannot find).',
  explanation:
    "A cross-region read replica or restored snapshot holds its source's data, whatever the new stack declares; replicated automated backups hold the whole database. Create copies only from stores of this app whose markets allow this region, and replicate backups only to a region each market allows.",
  covers: {
    ...SOURCES,
    'AWS::RDS::DBInstance': [...SOURCES['AWS::RDS::DBInstance'], 'AutomaticBackupReplicationRegion'],
  },
  check(policy, node) {
    const sources = SOURCES[node.cfnResourceType];
    if (!sources) return NagRuleCompliance.NOT_APPLICABLE;
    const props = deployedProperties(node);
    const stack = Stack.of(node);
    const own = personalMarkets(policy, node);
    const found: string[] = [];
    if (props.AutomaticBackupReplicationRegion !== undefined) {
      found.push(
        ...policy.disallowedAt(
          own,
          locate(stack, props.AutomaticBackupReplicationRegion),
          'backups-replicated-to',
          'AutomaticBackupReplicationRegion',
        ),
      );
    }
    const here = policy.regionOf(node);
    for (const key of sources) {
      let value = props[key];
      if (key === 'ImportSourceSpecification' && value !== undefined) {
        const bucket = dig(value, 'S3BucketSource', 'S3Bucket');
        value = typeof bucket === 'string' ? `arn:aws:s3:::${bucket}` : bucket;
      }
      if (value === undefined) continue;
      // A bare identifier (not an ARN) names a source in this stack's own region and account.
      const where = typeof value === 'string' && !value.startsWith('arn:') ? [] : locate(stack, value);
      for (const w of where) {
        if (w.kind === 'region' && w.resource) {
          const theirs = personalMarkets(policy, w.resource);
          found.push(
            ...theirs
              .filter((m) => !policy.allowsRegion(m, here))
              .map((m) => policy.finding(m, here, 'copied-into', key)),
          );
        } else if (w.kind !== 'nowhere' && !(w.kind === 'region' && w.region === here)) {
          found.push(
            ...policy.disallowedAt(
              own,
              [{ kind: 'unprovable', why: 'copy-of-a-store-outside-this-app' }],
              'copied-into',
              key,
            ),
          );
        }
      }
    }
    return found.length ? [...new Set(found)] : NagRuleCompliance.COMPLIANT;
  },
};
