import { readFileSync } from 'node:fs';
import type { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { MigrationPlan } from '../../config/migration-plan';
import { ResidencyPolicy } from './residency-policy';
import { AppFlowDestination } from './rules/appflow-destination';
import { BackupCopyDestination } from './rules/backup-copy-destination';
import { ClientIpLogDestination } from './rules/client-ip-log-destination';
import { CloudFrontLogBucket } from './rules/cloudfront-log-bucket';
import { CloudFrontOrigin } from './rules/cloudfront-origin';
import { ContainerLogDestination } from './rules/container-log-destination';
import { DataStoreDeclared } from './rules/data-store-declared';
import { DataStoreLocation } from './rules/data-store-location';
import { DatabaseCopy } from './rules/database-copy';
import { DeclarationNarrowed } from './rules/declaration-narrowed';
import { destinationProvable } from './rules/destination-provable';
import { DmsTableMappingScoped } from './rules/dms-table-mapping-scoped';
import { DmsTarget } from './rules/dms-target';
import { DynamoDbReplicaRegion } from './rules/dynamodb-replica-region';
import { EdgeHoldsNoPersonalData } from './rules/edge-holds-no-personal-data';
import { EfsReplication } from './rules/efs-replication';
import { EventBridgeTarget } from './rules/eventbridge-target';
import { FirehoseDestination } from './rules/firehose-destination';
import { GlobalDatabaseMembers } from './rules/global-database-members';
import { LogSubscriptionDestination } from './rules/log-subscription-destination';
import { MultiRegionKey } from './rules/multi-region-key';
import { type ResidencyRule, withSynthesizedTemplates } from './rules/residency-rule';
import { S3ReplicationDestination } from './rules/s3-replication-destination';
import { SnsSubscriptionDestination } from './rules/sns-subscription-destination';

/** Props for {@link DataResidencyChecks}. */
export interface DataResidencyChecksProps extends NagPackProps {
  /** The validated plan: markets, their allowed locations, and where each location is. */
  readonly plan: MigrationPlan;
}

/** The rules for each kind of data flow; the catch-all reads every property they do not. */
const FLOW_RULES: readonly ResidencyRule[] = [
  S3ReplicationDestination,
  DynamoDbReplicaRegion,
  GlobalDatabaseMembers,
  DatabaseCopy,
  BackupCopyDestination,
  EfsReplication,
  MultiRegionKey,
  LogSubscriptionDestination,
  ContainerLogDestination,
  FirehoseDestination,
  EventBridgeTarget,
  SnsSubscriptionDestination,
  DmsTarget,
  DmsTableMappingScoped,
  AppFlowDestination,
  ClientIpLogDestination,
  CloudFrontLogBucket,
  CloudFrontOrigin,
];

/** Property paths the flow rules read, per resource type. */
function coveredPaths(rules: readonly ResidencyRule[]): Record<string, string[]> {
  const covers: Record<string, string[]> = {};
  for (const rule of rules) {
    for (const [type, paths] of Object.entries(rule.covers ?? {})) covers[type] = [...(covers[type] ?? []), ...paths];
  }
  return covers;
}

/** Every rule of the pack, in report order. */
export const RESIDENCY_RULES: readonly ResidencyRule[] = [
  DataStoreDeclared,
  DeclarationNarrowed,
  DataStoreLocation,
  ...FLOW_RULES,
  destinationProvable(coveredPaths(FLOW_RULES)),
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
    // Verbose: a finding prints its explanation, which says how to fix it.
    super(scope, { verbose: true, ...props });
    this.packName = 'DataResidency';
    this.policy = new ResidencyPolicy(props.plan);
  }

  /** In a synth: reads each resource from the template the CDK wrote for its stack. */
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const templates = new Map(
      context.stackTemplates.map((s) => [s.stackConstructPath, JSON.parse(readFileSync(s.templatePath, 'utf8'))]),
    );
    return withSynthesizedTemplates(templates, () => super.validate(context));
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
