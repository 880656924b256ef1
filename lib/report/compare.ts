import { DATA_BEARING_TYPES } from '../compliance/residency/data-bearing';
import { type Assembly, type CfnResourceJson, constructPathOf, type StackArtifact } from './assembly';
import type { Replacement, ResourceSchemas } from './resource-schemas';

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
  /** Why, one line each: the properties that changed, the replaced resource a property refers to... */
  readonly reasons: readonly string[];
  /** `DeletionPolicy` of the old resource (what happens to it on removal or replacement). */
  readonly deletionPolicy?: string;
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
  /** Stateful resources replaced or deleted, and a renamed stack's stores: what makes the report exit 2. */
  readonly dataAtRisk: readonly string[];
  /**
   * Stateful resources a changed property replaces only in some cases (`causesReplacement: maybe`,
   * such as an RDS instance's engine): flagged for a reviewer, but no exit 2, since most such
   * changes update in place.
   */
  readonly dataPossiblyAtRisk: readonly string[];
}

const stackKey = (s: StackArtifact) => `${s.account}|${s.region}|${s.stackName}`;

/**
 * Compares two assemblies stack by stack (a stack is its name in its account and region, as
 * CloudFormation knows it) and resource by resource (its logical ID). A removed logical ID whose
 * construct path reappears under a new one is a replacement; a changed property is a replacement
 * when the resource schema says it is create-only, and so is a create-only property that refers to
 * a replaced resource (its value changes at deploy).
 */
export function compareAssemblies(before: Assembly, after: Assembly, schemas: ResourceSchemas): AssemblyComparison {
  const stateful = (type: string) => schemas.isStateful(type) || DATA_BEARING_TYPES.has(type);
  const oldStacks = new Map(before.stacks.map((s) => [stackKey(s), s]));
  const newStacks = new Map(after.stacks.map((s) => [stackKey(s), s]));
  const storesOf = (stack: StackArtifact) =>
    Object.entries(stack.template.Resources ?? {})
      .filter(([, r]) => stateful(r.Type))
      .map(([id, r]) => `${constructPathOf(stack, id) ?? `${stack.path}/${id}`} (${r.Type})`);

  const added = after.stacks.filter((s) => !oldStacks.has(stackKey(s)));
  const stacks: StackChange[] = [
    ...before.stacks
      .filter((s) => !newStacks.has(stackKey(s)))
      .map((stack) => ({
        kind: 'removed' as const,
        stack,
        renamedTo: added.find((a) => a.path === stack.path),
        statefulResources: storesOf(stack),
      })),
    ...added.map((stack) => ({ kind: 'added' as const, stack, statefulResources: storesOf(stack) })),
  ];

  const resources: ResourceChange[] = [];
  for (const [key, newStack] of newStacks) {
    const oldStack = oldStacks.get(key);
    if (oldStack) resources.push(...compareStacks(oldStack, newStack, schemas, stateful));
  }
  // A renamed construct gets a new path and a new logical ID: a removal and an addition. Say so.
  for (const [i, removed] of resources.entries()) {
    if (removed.kind !== 'removed' || !removed.stateful) continue;
    const twin = resources.find((r) => r.kind === 'added' && r.stack === removed.stack && r.type === removed.type);
    if (twin) {
      resources[i] = {
        ...removed,
        reasons: [
          ...removed.reasons,
          `renamed to ${twin.constructPath ?? twin.logicalId}? A renamed construct is a new, empty resource`,
        ],
      };
    }
  }

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
  ];
  const dataPossiblyAtRisk = resources.filter((r) => r.stateful && r.kind === 'may be replaced').map(describe);
  return { stacks, resources, dataAtRisk, dataPossiblyAtRisk };
}

function compareStacks(
  oldStack: StackArtifact,
  newStack: StackArtifact,
  schemas: ResourceSchemas,
  stateful: (type: string) => boolean,
): ResourceChange[] {
  const oldResources = oldStack.template.Resources ?? {};
  const newResources = newStack.template.Resources ?? {};
  const base = (logicalId: string, r: CfnResourceJson) => ({
    stack: newStack.path,
    stackName: newStack.stackName,
    logicalId,
    type: r.Type,
    constructPath: constructPathOf(r === oldResources[logicalId] ? oldStack : newStack, logicalId),
    stateful: stateful(r.Type),
    deletionPolicy: r.DeletionPolicy,
  });

  const changes = new Map<string, ResourceChange>();
  const newIdByPath = new Map<string, string>();
  for (const id of Object.keys(newResources)) {
    const path = constructPathOf(newStack, id);
    if (path && !oldResources[id]) newIdByPath.set(path, id);
  }
  const renamedTo = new Set<string>();
  for (const [id, r] of Object.entries(oldResources)) {
    if (newResources[id]) continue;
    const path = constructPathOf(oldStack, id);
    const newId = path ? newIdByPath.get(path) : undefined;
    if (newId && newResources[newId].Type === r.Type) {
      renamedTo.add(newId);
      changes.set(id, {
        ...base(id, r),
        kind: 'replaced',
        newLogicalId: newId,
        reasons: [
          `new logical ID ${newId} for the same construct path: CloudFormation creates ${newId} empty and removes ${id}`,
          fate('DeletionPolicy', r.DeletionPolicy),
        ],
      });
    } else {
      changes.set(id, {
        ...base(id, r),
        kind: 'removed',
        reasons: ['no longer in the template', fate('DeletionPolicy', r.DeletionPolicy)],
      });
    }
  }
  for (const [id, r] of Object.entries(newResources)) {
    if (!oldResources[id] && !renamedTo.has(id)) changes.set(id, { ...base(id, r), kind: 'added', reasons: [] });
  }

  // Resources that keep their logical ID: a type change or a create-only property replaces them.
  const kept = Object.keys(newResources).filter((id) => oldResources[id]);
  for (const id of kept) {
    const was = oldResources[id];
    const now = newResources[id];
    if (was.Type !== now.Type) {
      changes.set(id, { ...base(id, now), kind: 'replaced', reasons: [`type changed from ${was.Type}`] });
      continue;
    }
    const reasons: string[] = [];
    let worst: Replacement | 'update' | 'none' = 'none';
    for (const path of differingPaths(was.Properties ?? {}, now.Properties ?? {})) {
      const replacement = schemas.replacement(now.Type, path);
      const shown = path.join('.');
      if (replacement === 'yes') {
        worst = 'yes';
        reasons.push(`${shown} changed (create-only: replaces the resource)`);
      } else if (replacement === 'maybe') {
        if (worst !== 'yes') worst = 'maybe';
        reasons.push(`${shown} changed (may replace the resource, depending on the change)`);
      } else {
        if (worst === 'none') worst = 'update';
        reasons.push(`${shown} changed`);
      }
    }
    for (const key of ['DeletionPolicy', 'UpdateReplacePolicy', 'Condition'] as const) {
      if (was[key] !== now[key]) {
        if (worst === 'none') worst = 'update';
        reasons.push(`${key} ${was[key] ?? '(none)'} -> ${now[key] ?? '(none)'}`);
      }
    }
    if (worst === 'none') continue;
    const kind = worst === 'yes' ? 'replaced' : worst === 'maybe' ? 'may be replaced' : 'modified';
    if (kind !== 'modified') reasons.push(fate('UpdateReplacePolicy', was.UpdateReplacePolicy));
    changes.set(id, { ...base(id, now), kind, reasons, deletionPolicy: was.DeletionPolicy });
  }

  // A create-only property that refers to a replaced resource gets a new value: replaced in turn.
  let grew = true;
  while (grew) {
    grew = false;
    const replaced = new Set(
      [...changes.values()]
        .filter((c) => c.kind === 'replaced' || c.kind === 'may be replaced')
        .map((c) => c.logicalId),
    );
    for (const id of kept) {
      const current = changes.get(id);
      if (current?.kind === 'replaced') continue;
      const now = newResources[id];
      for (const { path, target } of referencesIn(now.Properties ?? {})) {
        if (!replaced.has(target)) continue;
        const replacement = schemas.replacement(now.Type, path);
        if (replacement === 'no') continue;
        const certain = replacement === 'yes' && changes.get(target)?.kind === 'replaced';
        const kind = certain ? 'replaced' : 'may be replaced';
        if (current?.kind === kind) continue;
        changes.set(id, {
          ...base(id, now),
          kind,
          reasons: [
            ...(current?.reasons ?? []),
            `${path.join('.')} refers to ${target}, which is ${changes.get(target)?.kind}: its value changes`,
            ...(current && current.kind !== 'modified'
              ? []
              : [fate('UpdateReplacePolicy', oldResources[id].UpdateReplacePolicy)]),
          ],
          deletionPolicy: oldResources[id].DeletionPolicy,
        });
        grew = true;
        break;
      }
    }
  }
  return [...changes.values()];
}

/** What CloudFormation does with the old resource, by its policy. */
function fate(policy: 'DeletionPolicy' | 'UpdateReplacePolicy', value: string | undefined): string {
  switch (value) {
    case 'Retain':
    case 'RetainExceptOnCreate':
      return `${policy} ${value}: the old one stays in the account, unmanaged, with its data; the app no longer uses it`;
    case 'Snapshot':
      return `${policy} Snapshot: the old one is snapshotted, then deleted; its data is only in that snapshot`;
    default:
      return `${policy} ${value ?? 'Delete (default)'}: the old one is deleted with its data`;
  }
}

/** Paths (property names and list indexes) where two property values differ; an intrinsic function is one value. */
export function differingPaths(a: unknown, b: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (isPlainObject(a) && isPlainObject(b) && !isIntrinsic(a) && !isIntrinsic(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], [...path, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, i) => differingPaths(item, b[i], [...path, i]));
  }
  return [path];
}

/** Every `Ref`, `Fn::GetAtt` and `Fn::Sub` `${Id}` inside a value, with where it sits. */
export function referencesIn(
  value: unknown,
  path: (string | number)[] = [],
): { readonly path: (string | number)[]; readonly target: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => referencesIn(item, [...path, i]));
  if (!isPlainObject(value)) return [];
  if (typeof value.Ref === 'string') return [{ path, target: value.Ref }];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [{ path, target: getAtt[0] }];
  if (typeof getAtt === 'string') return [{ path, target: getAtt.split('.')[0] }];
  const sub = value['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  const fromSub = text ? [...text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)].map((m) => ({ path, target: m[1] })) : [];
  return [
    ...fromSub,
    ...Object.entries(value).flatMap(([k, v]) => referencesIn(v, isIntrinsicKey(k) ? path : [...path, k])),
  ];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

function isIntrinsic(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && isIntrinsicKey(keys[0]);
}

/** Exit code of `npm run report -- --against`: 2 when data is at risk, so CI can gate on it. */
export function comparisonExitCode(comparison: AssemblyComparison): 0 | 2 {
  return comparison.dataAtRisk.length > 0 ? 2 : 0;
}
