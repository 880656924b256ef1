/**
 * The one place that names stacks and the few physical resources other regions must find.
 * Names are built from the plan's stable identifiers only (phase, workload, location): no
 * timestamps, no lookups, so a name never changes between synths.
 */

/** What a stack holds; stacks split by lifecycle. */
export type StackTier =
  | 'data'
  | 'service'
  | 'edge'
  | 'site'
  | 'transfer'
  | 'link'
  | 'watch'
  | 'gateways'
  | 'health'
  | 'guardrails'
  | 'account';

export interface StackNameParts {
  /** The phase; omitted for stacks that serve every phase (guardrails). */
  readonly phase?: number;
  /** The phase's workload, such as `commerce`. */
  readonly workload: string;
  readonly tier: StackTier;
  /** The location id (or region, for the edge) the stack deploys to. */
  readonly location: string;
}

/** CloudFormation stack name: `migration-p1-commerce-data-us-west-1`. */
export function stackName(parts: StackNameParts): string {
  const phase = parts.phase === undefined ? '' : `p${parts.phase}-`;
  return `migration-${phase}${parts.workload}-${parts.tier}-${parts.location}`;
}

/** Construct ID of a stack inside its phase's stage: `Data-us-west-1`, so `cdk ls` reads `Phase1/Data-us-west-1`. */
export function stackId(tier: StackTier, location: string): string {
  return `${tier.charAt(0).toUpperCase()}${tier.slice(1)}-${location}`;
}

/** `photos` -> `Photos`: construct IDs of per-service constructs. */
export function constructId(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The bucket that keeps a phase's CloudFront logs. The edge stack (us-east-1) writes to it in
 * another region without a cross-region reference, so both sides derive its name here.
 * Account and region make it globally unique.
 */
export function cdnLogBucketName(phase: number, account: string, region: string): string {
  return `migration-p${phase}-cdn-logs-${account}-${region}`;
}

/**
 * The physical identifier of a service's database cluster or replication in a stack (lower
 * case, at most 63 characters, unique per account and region).
 */
export function serviceResourceIdentifier(stack: string, service: string): string {
  const id = `${stack}-${service}`;
  if (id.length > 63)
    throw new Error(`database cluster identifier ${id} is ${id.length} characters, expected at most 63`);
  return id;
}

/**
 * The export that carries a VPN peer's customer gateway from the Account stage's stack in a region
 * to every phase's VPN there. One gateway per region and peer: EC2 returns the existing gateway for
 * an identical request, so two stacks declaring one would both own it.
 */
export function customerGatewayExportName(peerId: string): string {
  return `migration-customer-gateway-${peerId}`;
}

/**
 * The export each stack that replicates imports from the Account stage: a phase deployed before
 * it fails with "No export named migration-requires-dms-vpc-role found", naming the missing role,
 * instead of DMS's own error.
 */
export const DMS_ROLES_EXPORT = 'migration-requires-dms-vpc-role';

/**
 * The export by which a site's stack hands a later phase what replication out of it needs (its
 * VPC, route tables, a database's address and security group). Exports are per account and region.
 */
export function replicationSourceExportName(phase: number, location: string, what: string): string {
  return `migration-p${phase}-${location}-${what}`;
}

/**
 * A phase's dashboard: `migration-p1-commerce`. Dashboards are global to the account, and a phase
 * has one, so the phase and its workload make the name unique there; the environment is its
 * account. Readable in the console's list, which a generated name is not.
 */
export function phaseDashboardName(phase: number, workload: string): string {
  return `migration-p${phase}-${workload}`;
}

/**
 * A phase's goal canary for a market: `migration-p1-sg`. Fixed, because the phase's dashboard in
 * its goals region shows the canary's own metrics by name without a cross-region reference; the
 * phase and the market make it unique in its account and region, and it stays within the 21
 * characters Synthetics has long allowed (lower case, digits, `-`).
 */
export function goalCanaryName(phase: number, market: string): string {
  return `migration-p${phase}-${market.toLowerCase()}`;
}
