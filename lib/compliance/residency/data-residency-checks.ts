import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { MigrationPlan } from '../../config/migration-plan';
import { ResidencyPolicy } from './residency-policy';
import { AuroraGlobalCluster } from './rules/aurora-global-cluster';
import { BackupCopyDestination } from './rules/backup-copy-destination';
import { CloudFrontLogBucket } from './rules/cloudfront-log-bucket';
import { DataStoreLocation } from './rules/data-store-location';
import { DataStoreTagged } from './rules/data-store-tagged';
import { DmsTableMappingScoped } from './rules/dms-table-mapping-scoped';
import { DmsTarget } from './rules/dms-target';
import { DynamoDbReplicaRegion } from './rules/dynamodb-replica-region';
import { EdgeHoldsNoPersonalData } from './rules/edge-holds-no-personal-data';
import { FirehoseDestination } from './rules/firehose-destination';
import { LogSubscriptionDestination } from './rules/log-subscription-destination';
import { MultiRegionKey } from './rules/multi-region-key';
import type { ResidencyRule } from './rules/residency-rule';
import { S3ReplicationDestination } from './rules/s3-replication-destination';

/** Props for {@link DataResidencyChecks}. */
export interface DataResidencyChecksProps extends NagPackProps {
  /** The validated plan: markets, their allowed locations, and where each location is. */
  readonly plan: MigrationPlan;
}

/** Every rule of the pack, in report order. */
export const RESIDENCY_RULES: readonly ResidencyRule[] = [
  DataStoreTagged,
  DataStoreLocation,
  S3ReplicationDestination,
  DynamoDbReplicaRegion,
  AuroraGlobalCluster,
  BackupCopyDestination,
  MultiRegionKey,
  LogSubscriptionDestination,
  FirehoseDestination,
  DmsTarget,
  DmsTableMappingScoped,
  CloudFrontLogBucket,
  EdgeHoldsNoPersonalData,
];

/**
 * Data residency as a cdk-nag v3 pack: every data store sits where each market it holds allows,
 * nothing copies it elsewhere, and the edge region holds no personal data. Findings are errors:
 * they fail synth. A thin registry; each rule lives in its own file under `rules/`.
 */
export class DataResidencyChecks extends NagPack {
  public readonly name = 'DataResidency';
  private readonly policy: ResidencyPolicy;

  constructor(scope: IConstruct | undefined, props: DataResidencyChecksProps) {
    super(scope, props);
    this.packName = 'DataResidency';
    this.policy = new ResidencyPolicy(props.plan);
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of RESIDENCY_RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.info,
        explanation: rule.explanation,
        level: NagMessageLevel.ERROR,
        rule: (resource) => rule.check(this.policy, resource),
        node,
      });
    }
  }
}
