/**
 * The network under a stateful store: a database, a subnet group or a DMS replication whose VPC
 * or subnets are replaced (directly, or through the subnet group or security group it uses, in
 * its stack or read from another) cannot follow them. The old store stays where it is, or the
 * deploy fails; either way its data is not where the new network is.
 */
import type { ReferenceEdge, ReferenceGraph } from './reference-changes';
import type { StackPair } from './stack-changes';

/** Stores (and the subnet groups that place them) that stay in the network they were created in. */
export const NETWORK_BOUND_TYPES: ReadonlySet<string> = new Set([
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBSubnetGroup',
  'AWS::DMS::ReplicationSubnetGroup',
  'AWS::DMS::ReplicationConfig',
  'AWS::DMS::ReplicationInstance',
]);

/**
 * Through which property each kind of network resource takes its place: a security group's VPC, a
 * subnet group's subnets. A security group replaced inside the same VPC is not a move (a database
 * takes the new group in place); one replaced with its VPC is.
 */
const PLACED_BY: Readonly<Record<string, string>> = {
  'AWS::EC2::SecurityGroup': 'VpcId',
  'AWS::RDS::DBSubnetGroup': 'SubnetIds',
  'AWS::DMS::ReplicationSubnetGroup': 'SubnetIds',
};

/** The network resources whose replacement moves what sits in them. */
const NETWORK_TYPES: ReadonlySet<string> = new Set(['AWS::EC2::VPC', 'AWS::EC2::Subnet']);

/** A network-bound resource whose network is replaced, with the chain of references that shows it. */
export interface StoreOnReplacedNetwork {
  readonly pair: StackPair;
  readonly logicalId: string;
  readonly type: string;
  /** `DBSubnetGroupName refers to Subnets, whose SubnetIds.0 refers to SubnetA, which is replaced`. */
  readonly chain: string;
}

/**
 * Every network-bound resource kept from BASE (not itself replaced or removed, which is judged
 * elsewhere) whose VPC or subnets are replaced.
 */
export function storesOnReplacedNetwork(graph: ReferenceGraph): StoreOnReplacedNetwork[] {
  const memo = new Map<string, string | null>();
  // What follows a network resource's name in a chain when it moves: ", which is replaced" or
  // ", whose VpcId refers to ..."; undefined when it stays.
  const moved = (pair: StackPair, id: string): string | undefined => {
    const key = `${pair.after.path}|${id}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit ?? undefined;
    memo.set(key, null);
    const type = pair.after.template.Resources?.[id]?.Type ?? '';
    let tail: string | undefined;
    if (NETWORK_TYPES.has(type)) {
      tail = graph.changeOf(pair, id)?.kind === 'replaced' ? ', which is replaced' : undefined;
    } else if (PLACED_BY[type]) {
      const edges = graph.edgesOf(pair, id).filter((e) => e.path[0] === PLACED_BY[type]);
      const found = firstMoved(pair, edges);
      tail = found && `, whose ${found}`;
    }
    memo.set(key, tail ?? null);
    return tail;
  };
  const firstMoved = (pair: StackPair, edges: readonly ReferenceEdge[]): string | undefined => {
    for (const edge of edges) {
      const tail = moved(edge.pair, edge.target);
      if (tail) return `${edge.path.join('.')} refers to ${graph.describe(pair, edge)}${tail}`;
    }
    return undefined;
  };

  const found: StoreOnReplacedNetwork[] = [];
  for (const pair of graph.pairs) {
    const oldResources = pair.before.template.Resources ?? {};
    for (const [id, r] of Object.entries(pair.after.template.Resources ?? {})) {
      if (!NETWORK_BOUND_TYPES.has(r.Type) || oldResources[id]?.Type !== r.Type) continue;
      if (pair.changes.get(id)?.kind === 'replaced') continue;
      const chain = firstMoved(pair, graph.edgesOf(pair, id));
      if (chain) found.push({ pair, logicalId: id, type: r.Type, chain });
    }
  }
  return found;
}

/**
 * Why a store cannot follow its network, for the report. RDS moves a DB instance to another VPC
 * only onto a new DB subnet group, never by changing the subnets of the one it uses, which stay in
 * their VPC (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html,
 * "The new Subnets are not in the same Vpc as the existing subnet group": aws/aws-cdk#26135).
 */
export const STORE_NETWORK_WHY =
  'RDS does not move a DB subnet group in use (or its databases) to another VPC, nor does DMS a replication: build the new network beside the old one and move the data into a new store there (a snapshot restore or a replication), or keep the network';
