import { createHash } from 'node:crypto';
import { AspectPriority, Aspects, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DMS_ROLES_EXPORT } from '../naming';
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

/** The legacy database as a replication's source, over the VPN. */
export function legacySource(legacy: LegacyDatabase): ReplicatedDatabase {
  return {
    engine: legacy.engine,
    serverName: legacy.hostname,
    port: legacy.port,
    databaseName: legacy.databaseName,
    reach: [ec2.Peer.ipv4(legacy.cidr)],
    description: `the legacy database ${legacy.databaseName}`,
  };
}

/** One end of a replication: a database and how the replication's network reaches it. */
export interface ReplicatedDatabase {
  /** DMS's engine name: `postgres`, `mysql`, `aurora-postgresql`. */
  readonly engine: string;
  /** Its host: a literal, or an attribute of a cluster of this app, so the residency pack can place it. */
  readonly serverName: string;
  readonly port: number;
  readonly databaseName: string;
  /**
   * How the replication reaches it: a network (a VPN's or a peered VPC's range), or the
   * database's own security group, which then gets the matching ingress rule.
   */
  readonly reach: readonly ec2.IPeer[] | ec2.IConnectable;
  /** Who it is, in the credentials' descriptions: "the legacy database commerce". */
  readonly description: string;
}

/** Props for {@link MarketReplication}. */
export interface MarketReplicationProps {
  readonly vpc: ec2.IVpc;
  /** Private subnets of `vpc` the replication runs in (two zones or more). */
  readonly subnetIds: readonly string[];
  /** Encrypts both credentials and the replication's storage: a key of the region DMS runs in. */
  readonly encryptionKey: IKey;
  /** Where the rows are now: it is read as this replication's own reader (`readerName`). */
  readonly source: ReplicatedDatabase;
  /** Where they go: written as `dms_writer`. */
  readonly target: ReplicatedDatabase;
  /** The schema the tables are in (the same name at both ends). */
  readonly schema: string;
  /**
   * The tables of `schema` to copy, each by its exact name (DMS applies the market filter
   * only to tables selected by exact name).
   */
  readonly tables: readonly string[];
  /** The column holding each row's market. */
  readonly marketColumn: string;
  /** Markets whose rows may be copied (`*`: rows of no declared market). */
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
  /**
   * Whether the full load truncates the target's tables first (`TRUNCATE_BEFORE_LOAD`): for a
   * replication that replaces another while nobody uses the target yet, whose full load would
   * otherwise fail on the rows the previous load left
   * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.ReloadTables.html).
   * @default false - `DO_NOTHING`: a full load never drops or truncates the target's tables
   */
  readonly truncateBeforeLoad?: boolean;
}

/**
 * Continuous replication (full load, then change data capture) of one service's rows of some
 * markets, with DMS Serverless: from the legacy database into a region or a provider's site, or
 * from one region's database into another's. Copies only rows of the given markets (see
 * `marketScopedTableMappings`), so cutover never carries a market's data where it may not live;
 * DMS sees every row it copies, so it runs in a region those markets allow (the residency pack
 * checks the stack's region, the source it reads and the target it writes).
 *
 * Before starting it: create the reader user on the source with the name and password in
 * `sourceCredentials` (`readerName`, one per replication and account: a source database read by several
 * replications has one user each, since a database user has one password), and the `dms_writer`
 * user on the target with the password in `targetCredentials`.
 * The account needs DMS's roles (the `Account/` stage creates them; every replication imports
 * their export, so a phase deployed before that stage fails naming them).
 */
/**
 * Keeps every tag aspect off a replication: a tag added from a scope above it (a stack, a residency
 * declaration) is dropped for it. The keys of its own `tags` property stay. Runs after the tag
 * aspects by priority, which `@aws-cdk/core:aspectStabilization` (set in cdk.json) honours.
 */
function excludeFromTagging(resource: dms.CfnReplicationConfig, ownKeys: readonly string[]): void {
  const own = new Set(ownKeys);
  Aspects.of(resource).add(
    {
      visit(node) {
        if (node !== resource) return;
        const tags = resource.cdkTagManager;
        for (const key of Object.keys(tags.tagValues())) if (!own.has(key)) tags.removeTag(key, 1_000);
      },
    },
    { priority: AspectPriority.MUTATING + 1 },
  );
}

export class MarketReplication extends Construct {
  public readonly replication: dms.CfnReplicationConfig;
  public readonly sourceCredentials: secretsmanager.Secret;
  /** The user this replication reads its source as: `dms_reader_` and a digest of its identifier. */
  public readonly readerName: string;
  public readonly targetCredentials: rds.DatabaseSecret;

  constructor(scope: Construct, id: string, props: MarketReplicationProps) {
    super(scope, id);

    // One reader per replication: the legacy database is read by a replication per site and
    // service (in every environment's account), and California's by one per phase-4 site; a shared
    // user has one password, so with a secret each only the last one set could log in. A digest of
    // the account and construct path: within PostgreSQL's 63 characters, and stable when a new
    // mapping replaces the replication.
    const owner = `${Stack.of(this).account}/${this.node.path}`;
    this.readerName = `dms_reader_${createHash('sha256').update(owner).digest('hex').slice(0, 8)}`;
    this.sourceCredentials = new secretsmanager.Secret(this, 'SourceCredentials', {
      description: `DMS reader ${this.readerName} on ${props.source.description}`,
      encryptionKey: props.encryptionKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: this.readerName }),
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
    for (const [end, what] of [
      [props.source, 'reads'],
      [props.target, 'writes'],
    ] as const) {
      const port = ec2.Port.tcp(end.port);
      if ('connections' in end.reach) end.reach.connections.allowFrom(group, port, `DMS replication ${what}`);
      else for (const peer of end.reach) group.addEgressRule(peer, port, `DMS replication ${what}: ${end.description}`);
    }

    const subnets = new dms.CfnReplicationSubnetGroup(this, 'Subnets', {
      replicationSubnetGroupDescription: `DMS replication ${props.identifier}`,
      subnetIds: [...props.subnetIds],
    });

    // Passwords reach CloudFormation as dynamic references, never as text in the template.
    const endpoint = (
      id: string,
      type: 'source' | 'target',
      end: ReplicatedDatabase,
      username: string,
      secret: secretsmanager.ISecret,
    ) =>
      new dms.CfnEndpoint(this, id, {
        endpointType: type,
        engineName: end.engine,
        serverName: end.serverName,
        port: end.port,
        databaseName: end.databaseName,
        username,
        password: secret.secretValueFromJson('password').unsafeUnwrap(),
        sslMode: 'require',
        kmsKeyId: props.encryptionKey.keyArn,
      });
    const source = endpoint('Source', 'source', props.source, this.readerName, this.sourceCredentials);
    const target = endpoint('Target', 'target', props.target, 'dms_writer', this.targetCredentials);

    const tableMappings = marketScopedTableMappings({
      schema: props.schema,
      tables: props.tables,
      marketColumn: props.marketColumn,
      markets: props.markets,
      declaredMarkets: props.declaredMarkets,
    });
    const replicationSettings = {
      Logging: { EnableLogging: true },
      ValidationSettings: { EnableValidation: true },
      // The target's tables are the service's own (its schema migrations create them): a full load
      // never drops or truncates them, so a reload cannot erase rows users wrote at the new site,
      // unless the plan says nobody uses them yet (truncateBeforeLoad).
      FullLoadSettings: { TargetTablePrepMode: props.truncateBeforeLoad ? 'TRUNCATE_BEFORE_LOAD' : 'DO_NOTHING' },
    };
    // DMS refuses to modify a replication once it has been started, even stopped
    // (https://docs.aws.amazon.com/dms/latest/APIReference/API_ModifyReplicationConfig.html): a
    // change of tables, markets or settings is a new replication, named and identified by a digest
    // of them, which CloudFormation creates before deleting the old one (see the runbook).
    const version = createHash('sha256')
      .update(JSON.stringify({ tableMappings, replicationSettings }))
      .digest('hex')
      .slice(0, 6);
    const identifier = `${props.identifier}-${version}`;
    if (identifier.length > 63) {
      throw new Error(`replication identifier ${identifier} is ${identifier.length} characters, expected at most 63`);
    }
    this.replication = new dms.CfnReplicationConfig(this, `Replication-${version}`, {
      replicationConfigIdentifier: identifier,
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
      tableMappings,
      replicationSettings,
      // Imported from the Account stage: deployed before it, this stack fails naming the DMS roles.
      tags: [{ key: 'migration:requires', value: Fn.importValue(DMS_ROLES_EXPORT) }],
    });
    // No tag from above reaches it: CloudFormation sends a changed tag as ModifyReplicationConfig,
    // which DMS refuses once the replication has started, even stopped, and fails the stack update
    // (https://docs.aws.amazon.com/dms/latest/APIReference/API_ModifyReplicationConfig.html,
    // aws/aws-cdk#28862). Declaring a market changes the residency tags of its sites; its markets
    // are in the table mappings, and so in the replication's identifier.
    excludeFromTagging(this.replication, ['migration:requires']);
  }
}
