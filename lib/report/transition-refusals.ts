/**
 * Changes a running system refuses, judged against the deployed assembly (BASE): each with the
 * procedure that does work, so it is found in review rather than halfway through a deploy.
 */
import type { StackArtifact } from './assembly';
import type { ResourceChange } from './compare';
import type { StackPair } from './stack-changes';
import { type OutputReaders, referencesIn, resolveText } from './template-references';
import { shortValue } from './template-values';

/** One change CloudFormation or a service would refuse, and how to make it instead. */
export interface TransitionRefusal {
  /** Construct path of the stack (`Phase1/Data-us-west-1`). */
  readonly stack: string;
  /** Construct path (or logical ID) of the resource the refusal is about, when there is one. */
  readonly resource?: string;
  /** Which rule: `dms-replication-modified`, `export-in-use` or `output-in-use`. */
  readonly rule: RefusalRule;
  /** What is refused and why, naming what is involved. */
  readonly message: string;
  /** The sequence of changes that works instead. */
  readonly procedure: string;
}

export type RefusalRule = 'dms-replication-modified' | 'export-in-use' | 'output-in-use';

const MODIFY_REPLICATION_CONFIG =
  'https://docs.aws.amazon.com/dms/latest/APIReference/API_ModifyReplicationConfig.html';
const STACK_EXPORTS = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html';
const GET_STACK_OUTPUT =
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html';

/**
 * A DMS replication config changed in place, tags included: CloudFormation updates it with
 * ModifyReplicationConfig, which DMS refuses once a replication with it has started, even stopped
 * (the API reference above; aws/aws-cdk#28862). A new logical ID (a replacement) is the way.
 */
export function replicationRefusals(pairs: readonly StackPair[]): TransitionRefusal[] {
  return pairs.flatMap((pair) =>
    [...pair.changes.values()]
      .filter((c) => c.type === 'AWS::DMS::ReplicationConfig')
      .filter((c) => (c.kind === 'modified' || c.kind === 'may be replaced') && c.changedProperties?.length)
      .map((c) => {
        const identifier = resolveText(
          pair.before.template.Resources?.[c.logicalId]?.Properties?.ReplicationConfigIdentifier,
          pair.before,
        );
        const name = `${c.constructPath ?? c.logicalId}${identifier ? ` (${identifier})` : ''}`;
        return {
          stack: pair.after.path,
          resource: c.constructPath ?? c.logicalId,
          rule: 'dms-replication-modified' as const,
          message: `DMS replication ${name} in ${pair.after.stackName} is modified in place (${[...new Set(c.changedProperties)].join(', ')}): CloudFormation sends ModifyReplicationConfig, which DMS refuses once the replication has been started, even when stopped (${MODIFY_REPLICATION_CONFIG}; aws/aws-cdk#28862)`,
          procedure:
            'A change of a replication is a new replication: new logical ID and identifier (the app ends both in a digest of the replication\'s tables, markets and settings; docs/runbook.md, "Change a replication"). Stop the old one before the deploy (`aws dms stop-replication --replication-config-arn ...`), which then creates the new one and deletes the old; start the new one after it.',
        };
      }),
  );
}

/**
 * An output another stack reads whose value changes. Through an export (`Fn::ImportValue`),
 * CloudFormation refuses to change or remove it while a stack imports it; through
 * `Fn::GetStackOutput`, a weak reference, it lets the change happen and the reader keeps the old
 * value, a resource that no longer exists, until it is deployed again. Readers are read from
 * every stack of BASE: what is deployed imports, whatever this deploy selects.
 */
export function outputRefusals(pairs: readonly StackPair[], readers: OutputReaders): TransitionRefusal[] {
  const refusals: TransitionRefusal[] = [];
  for (const pair of pairs) {
    const newOutputs = pair.after.template.Outputs ?? {};
    for (const [key, output] of Object.entries(pair.before.template.Outputs ?? {})) {
      const exportName = output.Export ? resolveText(output.Export.Name, pair.before) : undefined;
      const replaced = referencesIn(output.Value)
        .map((r) => pair.changes.get(r.target))
        .find((c): c is ResourceChange => c?.kind === 'replaced' || c?.kind === 'removed');
      const now =
        exportName === undefined
          ? newOutputs[key]
          : Object.values(newOutputs).find((o) => o.Export && resolveText(o.Export.Name, pair.after) === exportName);
      const resource = replaced && `${replaced.constructPath ?? replaced.logicalId} (${replaced.type})`;
      const cause = !now
        ? 'is removed'
        : replaced
          ? `refers to ${resource}, which is ${replaced.kind}: its value changes`
          : exportName !== undefined && JSON.stringify(now.Value) !== JSON.stringify(output.Value)
            ? `changes value: ${shortValue(output.Value)} -> ${shortValue(now.Value)}`
            : undefined;
      if (!cause) continue;
      const base = { stack: pair.after.path, resource: replaced && (replaced.constructPath ?? replaced.logicalId) };
      const importers = exportName === undefined ? [] : readers.importersOf(pair.before, exportName);
      if (exportName !== undefined && importers.length > 0) {
        refusals.push({
          ...base,
          rule: 'export-in-use',
          message: `Export ${exportName} of ${pair.after.path} (output ${key}) ${cause}, and ${list(importers)} ${importers.length === 1 ? 'imports' : 'import'} it: CloudFormation refuses to change or remove an export another stack imports (${STACK_EXPORTS})`,
          procedure: twoDeploys(pair.before, importers, exportName),
        });
      }
      const outputReaders = readers.readersOf(pair.before, key);
      if (outputReaders.length > 0 && (replaced || !now)) {
        refusals.push({
          ...base,
          rule: 'output-in-use',
          message: `Output ${key} of ${pair.after.path} ${cause}, and ${list(outputReaders)} ${outputReaders.length === 1 ? 'reads' : 'read'} it with Fn::GetStackOutput, a weak reference CloudFormation does not guard: ${outputReaders.length === 1 ? 'it keeps' : 'each keeps'} the old value, a resource this deploy deletes, until deployed again (${GET_STACK_OUTPUT})`,
          procedure: twoDeploys(pair.before, outputReaders),
        });
      }
    }
  }
  return refusals;
}

/** Create beside, move the readers, remove the old: the order CloudFormation accepts. */
function twoDeploys(producer: StackArtifact, readers: readonly string[], exportName?: string): string {
  const what = exportName ? `its export (under a new export name)` : 'its output';
  const check = exportName ? ` (\`aws cloudformation list-imports --export-name ${exportName}\` lists none)` : '';
  return `Two deploys. First, keep the old resource and ${exportName ? 'export' : 'output'} as they are and create the new resource beside it (a new construct ID) with ${what}; move ${list(readers)} to the new one; deploy ${producer.path}, then ${readers.length === 1 ? 'it' : 'them'}. Second, once nothing reads the old one${check}, remove the old resource and its ${exportName ? 'export' : 'output'}, and deploy ${producer.path} again.`;
}

function list(paths: readonly string[]): string {
  return paths.length <= 6 ? paths.join(', ') : `${paths.slice(0, 6).join(', ')} and ${paths.length - 6} more`;
}
