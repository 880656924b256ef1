import { Validations } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { marketScopedTableMappings } from './market-scoped-table-mappings';

/** The legacy database, reached over the site-to-site VPN. */
export interface LegacyDatabase {
  readonly hostname: string;
  readonly port: number;
  readonly engine: 'postgres' | 'mysql';
  readonly databaseName: string;
  /** The data center's network, where the database answers. */
  readonly cidr: string;
  /** The column holding each row's market. */
  readonly marketColumn: string;
}

/** Props for {@link LegacyReplication}. */
export interface LegacyReplicationProps {
  readonly vpc: ec2.IVpc;
  /** Encrypts both credentials and the replication's storage. */
  readonly encryptionKey: IKey;
  readonly legacy: LegacyDatabase;
  /** The legacy schema the tables are in. */
  readonly legacySchema: string;
  /**
   * The tables of `legacySchema` to copy, each by its exact name (DMS applies the market filter
   * only to tables selected by exact name).
   */
  readonly legacyTables: readonly string[];
  /** The Aurora cluster that receives the rows. */
  readonly target: rds.DatabaseCluster;
  /** The port the target cluster listens on (a literal, so reviewers and rules can read the rule). */
  readonly targetPort: number;
  /** The database in the target cluster. */
  readonly targetDatabaseName: string;
  /** Markets whose rows may be copied here (`*`: rows of no declared market). */
  readonly markets: readonly string[];
  /** Every declared market. */
  readonly declaredMarkets: readonly string[];
  /** Physical identifier of the replication, from the naming helper. */
  readonly identifier: string;
  /**
   * Most DMS capacity units the serverless replication may scale to.
   * @default 16
   */
  readonly maxCapacityUnits?: number;
}

/**
 * Continuous replication (full load, then change data capture) from the legacy database into
 * the new Aurora cluster, with DMS Serverless, over the VPN. Copies only rows of the markets
 * this location serves (see `marketScopedTableMappings`), so cutover never carries a market's
 * data where it may not live.
 *
 * Before starting it: create the `dms_reader` user on the legacy database with the password in
 * `sourceCredentials`, and the `dms_writer` user on Aurora with the one in `targetCredentials`.
 * The account needs DMS's `dms-vpc-role` (the `Account/` stage creates it).
 */
export class LegacyReplication extends Construct {
  public readonly replication: dms.CfnReplicationConfig;
  public readonly sourceCredentials: secretsmanager.Secret;
  public readonly targetCredentials: rds.DatabaseSecret;

  constructor(scope: Construct, id: string, props: LegacyReplicationProps) {
    super(scope, id);

    this.sourceCredentials = new secretsmanager.Secret(this, 'SourceCredentials', {
      description: `DMS reader on the legacy database ${props.legacy.databaseName}`,
      encryptionKey: props.encryptionKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'dms_reader' }),
        generateStringKey: 'password',
        excludePunctuation: true,
        passwordLength: 32,
      },
    });
    this.targetCredentials = new rds.DatabaseSecret(this, 'TargetCredentials', {
      username: 'dms_writer',
      encryptionKey: props.encryptionKey,
      excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
    });
    for (const secret of [this.sourceCredentials, this.targetCredentials]) {
      for (const ruleId of ['AwsSolutions-SMG4', 'PCI.DSS.321-SecretsManagerRotationEnabled']) {
        Validations.of(secret).acknowledge({
          id: ruleId,
          reason:
            'A migration credential used only by DMS while this phase cuts over: it is changed by hand with the database user at each rotation window and deleted with the replication when cutover completes.',
        });
      }
    }

    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `DMS replication ${props.identifier}`,
      allowAllOutbound: false,
    });
    group.addEgressRule(
      ec2.Peer.ipv4(props.legacy.cidr),
      ec2.Port.tcp(props.legacy.port),
      'Legacy database over the VPN',
    );
    props.target.connections.allowFrom(group, ec2.Port.tcp(props.targetPort), 'DMS replication writes');

    const subnets = new dms.CfnReplicationSubnetGroup(this, 'Subnets', {
      replicationSubnetGroupDescription: `DMS replication ${props.identifier}`,
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
    });

    // Passwords reach CloudFormation as dynamic references, never as text in the template.
    const source = new dms.CfnEndpoint(this, 'Source', {
      endpointType: 'source',
      engineName: props.legacy.engine,
      serverName: props.legacy.hostname,
      port: props.legacy.port,
      databaseName: props.legacy.databaseName,
      username: 'dms_reader',
      password: this.sourceCredentials.secretValueFromJson('password').unsafeUnwrap(),
      sslMode: 'require',
      kmsKeyId: props.encryptionKey.keyArn,
    });
    const target = new dms.CfnEndpoint(this, 'Target', {
      endpointType: 'target',
      engineName: 'aurora-postgresql',
      serverName: props.target.clusterEndpoint.hostname,
      port: props.targetPort,
      databaseName: props.targetDatabaseName,
      username: 'dms_writer',
      password: this.targetCredentials.secretValueFromJson('password').unsafeUnwrap(),
      sslMode: 'require',
      kmsKeyId: props.encryptionKey.keyArn,
    });

    this.replication = new dms.CfnReplicationConfig(this, 'Replication', {
      replicationConfigIdentifier: props.identifier,
      replicationType: 'full-load-and-cdc',
      sourceEndpointArn: source.ref,
      targetEndpointArn: target.ref,
      computeConfig: {
        maxCapacityUnits: props.maxCapacityUnits ?? 16,
        minCapacityUnits: 2,
        multiAz: true,
        kmsKeyId: props.encryptionKey.keyArn,
        replicationSubnetGroupId: subnets.ref,
        vpcSecurityGroupIds: [group.securityGroupId],
      },
      tableMappings: marketScopedTableMappings({
        schema: props.legacySchema,
        tables: props.legacyTables,
        marketColumn: props.legacy.marketColumn,
        markets: props.markets,
        declaredMarkets: props.declaredMarkets,
      }),
      replicationSettings: {
        Logging: { EnableLogging: true },
        ValidationSettings: { EnableValidation: true },
      },
    });
  }
}
