import { type CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { ResidencyPolicy } from '../residency-policy';
import { locate, type Whereabouts } from '../whereabouts';
import { deployedProperties, dig, personalMarkets, type ResidencyRule } from './residency-rule';

/** Clusters that join a global group, and the property that names it. */
const JOINERS: Readonly<Record<string, string>> = {
  'AWS::RDS::DBCluster': 'GlobalClusterIdentifier',
  'AWS::DocDB::DBCluster': 'GlobalClusterIdentifier',
  'AWS::Neptune::DBCluster': 'GlobalClusterIdentifier',
  'AWS::ElastiCache::ReplicationGroup': 'GlobalReplicationGroupId',
  'AWS::MemoryDB::Cluster': 'MultiRegionClusterName',
};
/** Global groups, which may also attach an existing cluster as their source. */
const GROUPS = new Set([
  'AWS::RDS::GlobalCluster',
  'AWS::DocDB::GlobalCluster',
  'AWS::Neptune::GlobalCluster',
  'AWS::ElastiCache::GlobalReplicationGroup',
  'AWS::MemoryDB::MultiRegionCluster',
]);

/** One global group and every member the app gives it: where each is, and whose data it holds. */
interface Group {
  readonly keys: readonly string[];
  /** `placeOnly`: a member named by region alone (an ElastiCache member's region), not a store to read. */
  readonly members: {
    readonly whereabouts: Whereabouts;
    readonly resource?: CfnResource;
    readonly placeOnly?: boolean;
  }[];
}

const groupsByRoot = new WeakMap<IConstruct, Group[]>();

/** `id:<identifier>` for a literal, `res:<path>` for a group resource of this app, else undefined. */
function keyOf(stack: Stack, value: unknown): string | undefined {
  if (typeof value === 'string') return `id:${value}`;
  const [where] = locate(stack, value);
  return where?.kind === 'region' && where.resource && GROUPS.has(where.resource.cfnResourceType)
    ? `res:${where.resource.node.path}`
    : undefined;
}

function groupsIn(root: IConstruct): Group[] {
  let groups = groupsByRoot.get(root);
  if (groups) return groups;
  const resources = root.node.findAll().filter((c): c is CfnResource => 'cfnResourceType' in c);
  groups = resources
    .filter((r) => GROUPS.has(r.cfnResourceType))
    .map((group) => {
      const stack = Stack.of(group);
      const props = deployedProperties(group);
      const keys = [`res:${group.node.path}`];
      if (typeof props.GlobalClusterIdentifier === 'string') keys.push(`id:${props.GlobalClusterIdentifier}`);
      const attached = [
        props.SourceDBClusterIdentifier,
        ...((props.Members as unknown[] | undefined) ?? []).map((m) => dig(m, 'ReplicationGroupId')),
      ].filter((v) => v !== undefined);
      const members: Group['members'][number][] = attached.flatMap((v) =>
        locate(stack, v).map((w) => ({ whereabouts: w, resource: w.kind === 'region' ? w.resource : undefined })),
      );
      for (const m of (props.Members as unknown[] | undefined) ?? []) {
        const region = dig(m, 'ReplicationGroupRegion');
        if (region !== undefined)
          members.push(...locate(stack, region).map((w) => ({ whereabouts: w, placeOnly: true })));
      }
      const joiners = resources.filter(
        (r) =>
          JOINERS[r.cfnResourceType] &&
          keys.includes(keyOf(Stack.of(r), deployedProperties(r)[JOINERS[r.cfnResourceType]]) ?? ''),
      );
      for (const joiner of joiners)
        members.push({ whereabouts: { kind: 'region', region: Stack.of(joiner).region }, resource: joiner });
      return { keys, members };
    });
  groupsByRoot.set(root, groups);
  return groups;
}

function findings(policy: ResidencyPolicy, markets: readonly string[], group: Group): string[] {
  return policy.disallowedAt(
    markets,
    group.members.map((m) => m.whereabouts),
    'global-member-in',
  );
}

/** A global database or cache spans only regions every market of every member allows. */
export const GlobalDatabaseMembers: ResidencyRule = {
  id: 'GlobalDatabaseMembers',
  info: 'A global database or cache (Aurora, DocumentDB, Neptune, ElastiCache) has a member in a region one of its markets does not allow, or a member the pack cannot place.',
  explanation:
    "A global database replicates its storage to every member region, whichever way a member joins: by the cluster's global identifier, or as the source a global cluster attaches. Every member must be in a region every market of every member allows; a global identifier whose group is not in this app cannot be proven and is a finding.",
  covers: {
    ...Object.fromEntries(Object.entries(JOINERS).map(([type, key]) => [type, [key]])),
    ...Object.fromEntries(
      [...GROUPS].map((type) => [type, ['SourceDBClusterIdentifier', 'Members', 'GlobalClusterIdentifier']]),
    ),
  },
  check(policy, node) {
    const type = node.cfnResourceType;
    const stack = Stack.of(node);
    const groups = groupsIn(node.node.root);
    if (JOINERS[type]) {
      const value = deployedProperties(node)[JOINERS[type]];
      if (value === undefined) return NagRuleCompliance.NOT_APPLICABLE;
      const markets = personalMarkets(policy, node);
      const key = keyOf(stack, value);
      const group = key === undefined ? undefined : groups.find((g) => g.keys.includes(key));
      const found = group
        ? findings(policy, markets, group)
        : policy.disallowedAt(
            markets,
            [{ kind: 'unprovable', why: 'global-group-outside-this-app' }],
            'global-member-in',
          );
      return found.length ? [...new Set(found)] : NagRuleCompliance.COMPLIANT;
    }
    if (!GROUPS.has(type)) return NagRuleCompliance.NOT_APPLICABLE;
    const group = groups.find((g) => g.keys[0] === `res:${node.node.path}`);
    if (!group) return NagRuleCompliance.NOT_APPLICABLE;
    // The group holds whatever its members hold.
    const markets = new Set(personalMarkets(policy, node));
    for (const member of group.members) {
      if (member.resource) for (const m of personalMarkets(policy, member.resource)) markets.add(m);
      else if (!member.placeOnly && member.whereabouts.kind === 'region')
        return [
          ...new Set(
            policy.disallowedAt(
              [...markets],
              [{ kind: 'unprovable', why: 'member-outside-this-app' }],
              'global-member-in',
            ),
          ),
        ];
    }
    const found = findings(policy, [...markets], group);
    return found.length ? [...new Set(found)] : NagRuleCompliance.COMPLIANT;
  },
};
