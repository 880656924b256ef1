/**
 * The template-level half of a transition gate: what deploying this assembly over an earlier one
 * (BASE, the deployed one) does to each stack and resource, what loses data, and what a running
 * system refuses. One coordinator; each concern in its own file:
 * `stack-changes.ts` (one template's diff), `reference-changes.ts` (references to replaced
 * resources, across stacks too), `store-network.ts` (the network under a store),
 * `transition-refusals.ts` (DMS replications, exports and outputs in use).
 */
import { DATA_BEARING_TYPES } from '../compliance/residency/data-bearing';
import { type Assembly, constructPathOf, type StackArtifact } from './assembly';
import { propagateReferences, ReferenceGraph } from './reference-changes';
import type { ResourceSchemas } from './resource-schemas';
import { directChanges, markRenamedStores, type StackPair } from './stack-changes';
import { STORE_NETWORK_WHY, storesOnReplacedNetwork } from './store-network';
import { outputReaders, outputResolver } from './template-references';
import { outputRefusals, replicationRefusals, type TransitionRefusal } from './transition-refusals';

export { differingPaths, referencesIn } from './template-references';
export type { RefusalRule, TransitionRefusal } from './transition-refusals';

/** What happens to one resource when the new assembly deploys over the old one. */
export type ResourceChangeKind = 'added' | 'removed' | 'replaced' | 'may be replaced' | 'modified';

/** One resource that differs between two assemblies. */
export interface ResourceChange {
  readonly kind: ResourceChangeKind;
  /** Construct path of the stack, in the new assembly if it has the stack. */
  readonly stack: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** For a replacement by a new logical ID: the new one. */
  readonly newLogicalId?: string;
  readonly type: string;
  /** The resource's construct path (`aws:cdk:path`). */
  readonly constructPath?: string;
  /** Holds data a replacement or deletion loses. */
  readonly stateful: boolean;
  /**
   * Why, one line each: the properties that changed with their old and new values
   * (`Weight changed: 50 -> 100`), the replaced resource a property refers to...
   */
  readonly reasons: readonly string[];
  /** `DeletionPolicy` of the old resource (what happens to it on removal or replacement). */
  readonly deletionPolicy?: string;
  /**
   * For a kept logical ID: the property paths (`ComputeConfig.VpcSecurityGroupIds.0`) whose value
   * changes at deploy, in the template or through a reference to a replaced resource.
   */
  readonly changedProperties?: readonly string[];
}

/** One stack that one assembly has and the other does not. */
export interface StackChange {
  readonly kind: 'added' | 'removed';
  readonly stack: StackArtifact;
  /** For a removed stack: a stack of the new assembly at the same construct path under another name. */
  readonly renamedTo?: StackArtifact;
  /** Its stateful resources (for a removed stack: what it leaves behind or, renamed, what the new stack creates empty). */
  readonly statefulResources: readonly string[];
}

/** The differences between an earlier assembly and this one. */
export interface AssemblyComparison {
  readonly stacks: readonly StackChange[];
  readonly resources: readonly ResourceChange[];
  /**
   * Stateful resources replaced or deleted, a renamed stack's stores, and stores whose network is
   * replaced (also in `networkAtRisk`): with `refusals`, what makes the report exit 2.
   */
  readonly dataAtRisk: readonly string[];
  /** The entries of `dataAtRisk` about a store (database, subnet group, DMS replication) whose VPC or subnets are replaced. */
  readonly networkAtRisk: readonly string[];
  /**
   * Stateful resources a changed property replaces only in some cases (`causesReplacement: maybe`,
   * such as an RDS instance's engine): flagged for a reviewer, but no exit 2, since most such
   * changes update in place.
   */
  readonly dataPossiblyAtRisk: readonly string[];
  /** Changes CloudFormation or a service refuses on the deployed system, each with the procedure that works. */
  readonly refusals: readonly TransitionRefusal[];
}

/** What to compare. */
export interface CompareOptions {
  /**
   * Compare only the stacks of these stages (`Account`, `Phase1`): for an assembly synthesized
   * with some phases (`-c phases=1`), the stages it has, so the others are not reported removed.
   * Cross-stack reads of BASE are still read from all its stacks: a deployed stack imports
   * whatever this deploy selects.
   * @default - every stack of both assemblies
   */
  readonly stages?: readonly string[];
}

const stackKey = (s: StackArtifact) => `${s.account}|${s.region}|${s.stackName}`;

/** The stage names of an assembly's stacks, for {@link CompareOptions.stages}. */
export function stagesOf(assembly: Assembly): string[] {
  return [...new Set(assembly.stacks.map((s) => s.stage))];
}

/**
 * Compares two assemblies stack by stack (a stack is its name in its account and region, as
 * CloudFormation knows it) and resource by resource (its logical ID). A removed logical ID whose
 * construct path reappears under a new one is a replacement; a changed property is a replacement
 * when the resource schema says it is create-only, and so is a create-only property that refers to
 * a replaced resource (its value changes at deploy); any other property that refers to one is
 * modified in place. References are followed across stacks where the templates show them.
 */
export function compareAssemblies(
  before: Assembly,
  after: Assembly,
  schemas: ResourceSchemas,
  options: CompareOptions = {},
): AssemblyComparison {
  const stateful = (type: string) => schemas.isStateful(type) || DATA_BEARING_TYPES.has(type);
  const inScope = (s: StackArtifact) => !options.stages || options.stages.includes(s.stage);
  const oldStacks = new Map(before.stacks.filter(inScope).map((s) => [stackKey(s), s]));
  const newStacks = new Map(after.stacks.filter(inScope).map((s) => [stackKey(s), s]));
  const storesOf = (stack: StackArtifact) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, r]) => stateful(r.Type))
      .map(([id, r]) => `${constructPathOf(stack, id) ?? `${stack.path}/${id}`} (${r.Type})`);

  const added = [...newStacks.values()].filter((s) => !oldStacks.has(stackKey(s)));
  const stacks: StackChange[] = [
    ...[...oldStacks.values()]
      .filter((s) => !newStacks.has(stackKey(s)))
      .map((stack) => ({
        kind: 'removed' as const,
        stack,
        renamedTo: added.find((a) => a.path === stack.path),
        statefulResources: storesOf(stack),
      })),
    ...added.map((stack) => ({ kind: 'added' as const, stack, statefulResources: storesOf(stack) })),
  ];

  const pairs: StackPair[] = [...newStacks]
    .filter(([key]) => oldStacks.has(key))
    .map(([key, stack]) => {
      const pair = { before: oldStacks.get(key) as StackArtifact, after: stack };
      return { ...pair, changes: directChanges(pair, schemas, stateful) };
    });
  const graph = new ReferenceGraph(pairs, outputResolver(after));
  propagateReferences(graph, schemas, stateful);
  for (const pair of pairs) markRenamedStores(pair.changes);

  const networkAtRisk = storesOnReplacedNetwork(graph).map(({ pair, logicalId, type, chain }) => {
    const current = pair.changes.get(logicalId);
    if (current)
      pair.changes.set(logicalId, { ...current, reasons: [...current.reasons, `its network is replaced: ${chain}`] });
    const path = constructPathOf(pair.after, logicalId) ?? `${pair.after.path}/${logicalId}`;
    return `${path} (${type}) ${current?.kind ?? 'unchanged'}, on a network that is replaced: ${chain}. ${STORE_NETWORK_WHY}`;
  });

  const resources = pairs.flatMap((p) => [...p.changes.values()]);
  const describe = (r: ResourceChange) =>
    `${r.constructPath ?? `${r.stack}/${r.logicalId}`} (${r.type}) ${r.kind}: ${r.reasons.join('; ')}`;
  const dataAtRisk = [
    ...resources.filter((r) => r.stateful && (r.kind === 'removed' || r.kind === 'replaced')).map(describe),
    ...stacks
      .filter((s) => s.kind === 'removed' && s.renamedTo)
      .flatMap((s) =>
        s.statefulResources.map(
          (r) => `${r} created anew in ${s.renamedTo?.stackName}, the old one left in ${s.stack.stackName}`,
        ),
      ),
    ...networkAtRisk,
  ];
  const dataPossiblyAtRisk = resources.filter((r) => r.stateful && r.kind === 'may be replaced').map(describe);
  const refusals = [...replicationRefusals(pairs), ...outputRefusals(pairs, outputReaders(before))];
  return { stacks, resources, dataAtRisk, networkAtRisk, dataPossiblyAtRisk, refusals };
}

/**
 * Exit code of `npm run report -- --against`: 2 when data is at risk or a change would be refused
 * on the deployed system, so CI can gate on it.
 */
export function comparisonExitCode(comparison: AssemblyComparison): 0 | 2 {
  return comparison.dataAtRisk.length > 0 || comparison.refusals.length > 0 ? 2 : 0;
}
