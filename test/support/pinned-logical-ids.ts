/**
 * Logical IDs of every stateful resource, pinned. A change here replaces a database, a key, a
 * bucket or a log group in every region that has it: update this table only together with a
 * plan to move the data (a snapshot restore, a bucket copy), never to make a test pass.
 */

import type { Template } from 'aws-cdk-lib/assertions';
import { logicalIds } from './harness';

type Pinned = Partial<
  Record<
    'AWS::RDS::DBCluster' | 'AWS::RDS::DBInstance' | 'AWS::KMS::Key' | 'AWS::S3::Bucket' | 'AWS::Logs::LogGroup',
    string[]
  >
>;

/** Every data stack has these. */
const DATA_STACK: Pinned = {
  'AWS::KMS::Key': ['DataKey17AFBB84', 'LogsKeyA6AB43B2'],
  'AWS::S3::Bucket': ['AccessLogs8B620ECA'],
  'AWS::Logs::LogGroup': ['NetworkFlowLogs2BEC3212'],
};

/** What each service adds to a data stack. */
const PER_SERVICE: Record<string, Pinned> = {
  shop: {
    'AWS::RDS::DBCluster': ['ShopDatabaseCluster8B2FBB17'],
    'AWS::RDS::DBInstance': ['ShopDatabaseClusterReader4CC27BD9', 'ShopDatabaseClusterWriter920CDC41'],
    'AWS::Logs::LogGroup': ['ShopDatabasePostgresqlLogs5E6D4C67'],
  },
  accounts: {
    'AWS::RDS::DBCluster': ['AccountsDatabaseCluster06A8E4CE'],
    'AWS::RDS::DBInstance': ['AccountsDatabaseClusterReader39DDED4A', 'AccountsDatabaseClusterWriter95AA1334'],
    'AWS::Logs::LogGroup': ['AccountsDatabasePostgresqlLogsF69DB5E4'],
  },
  messaging: {
    'AWS::RDS::DBCluster': ['MessagingDatabaseClusterDBD1E78A'],
    'AWS::RDS::DBInstance': ['MessagingDatabaseClusterReaderBB1B651E', 'MessagingDatabaseClusterWriter73443831'],
    'AWS::Logs::LogGroup': ['MessagingDatabasePostgresqlLogs43733D98'],
  },
  photos: {
    'AWS::RDS::DBCluster': ['PhotosDatabaseClusterC01A8179'],
    'AWS::RDS::DBInstance': ['PhotosDatabaseClusterReader3F7F9F0B', 'PhotosDatabaseClusterWriterCEE2E09B'],
    'AWS::S3::Bucket': ['PhotosObjectsA7C40916'],
    'AWS::Logs::LogGroup': ['PhotosDatabasePostgresqlLogsEBC862CE'],
  },
};

/** The data stack that keeps a phase's CDN logs also has this bucket. */
export const CDN_LOGS: Pinned = { 'AWS::S3::Bucket': ['CdnLogs1D5E9AEC'] };

/** The edge stack's stateful resources. */
export const EDGE_STACK: Pinned = {
  'AWS::KMS::Key': ['AlarmTopicKeyBA1A4AA7', 'PagesKey54FE8C18'],
  'AWS::S3::Bucket': ['AccessLogs8B620ECA', 'SitePages600CC8A7'],
};

/** The pinned IDs a data stack must have for these services. */
export function pinnedDataStack(services: readonly string[], ...extra: Pinned[]): Pinned {
  const merged: Pinned = {};
  for (const part of [DATA_STACK, ...services.map((s) => PER_SERVICE[s]), ...extra]) {
    for (const [type, ids] of Object.entries(part) as [keyof Pinned, string[]][]) {
      merged[type] = [...(merged[type] ?? []), ...ids].sort();
    }
  }
  return merged;
}

/** [type, ids] pairs as found, for comparison with `pinned` (so a failure names the type). */
export function statefulIds(template: Template, pinned: Pinned): [string, string[]][] {
  return Object.keys(pinned).map((type) => [type, logicalIds(template, type)]);
}

export function asPairs(pinned: Pinned): [string, string[]][] {
  return Object.entries(pinned) as [string, string[]][];
}
