/**
 * What a template's values refer to: resources of the same stack (`Ref`, `Fn::GetAtt`, `Fn::Sub`)
 * and outputs of other stacks (`Fn::ImportValue` of an export, `Fn::GetStackOutput`), and which
 * stacks of an assembly read each output.
 */
import type { Assembly, StackArtifact } from './assembly';

/** Property names and list indexes, from a resource's `Properties` down. */
export type PropertyPath = (string | number)[];

/** Paths (property names and list indexes) where two property values differ; an intrinsic function is one value. */
export function differingPaths(a: unknown, b: unknown, path: PropertyPath = []): PropertyPath[] {
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

/** The value at a path, or undefined. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Every `Ref`, `Fn::GetAtt` and `Fn::Sub` `${Id}` inside a value, with where it sits. */
export function referencesIn(
  value: unknown,
  path: PropertyPath = [],
  inIntrinsic = false,
): { readonly path: PropertyPath; readonly target: string }[] {
  // Inside an intrinsic function's arguments, the path stays at the property that holds it.
  if (Array.isArray(value))
    return value.flatMap((item, i) => referencesIn(item, inIntrinsic ? path : [...path, i], inIntrinsic));
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
    ...Object.entries(value).flatMap(([k, v]) =>
      isIntrinsicKey(k) || inIntrinsic ? referencesIn(v, path, true) : referencesIn(v, [...path, k]),
    ),
  ];
}

/** What a value reads from another stack. */
export type CrossStackRead =
  | { readonly kind: 'import'; readonly name: unknown }
  | {
      readonly kind: 'output';
      readonly stackName: unknown;
      readonly outputName: unknown;
      readonly region?: unknown;
      readonly roleArn?: unknown;
    };

/** Every `Fn::ImportValue` and `Fn::GetStackOutput` inside a value, with where it sits. */
export function crossStackReadsIn(
  value: unknown,
  path: PropertyPath = [],
  inIntrinsic = false,
): { readonly path: PropertyPath; readonly read: CrossStackRead }[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => crossStackReadsIn(item, inIntrinsic ? path : [...path, i], inIntrinsic));
  }
  if (!isPlainObject(value)) return [];
  if ('Fn::ImportValue' in value) return [{ path, read: { kind: 'import', name: value['Fn::ImportValue'] } }];
  const output = value['Fn::GetStackOutput'];
  if (isPlainObject(output)) {
    const { StackName: stackName, OutputName: outputName, Region: region, RoleArn: roleArn } = output;
    return [{ path, read: { kind: 'output', stackName, outputName, region, roleArn } }];
  }
  return Object.entries(value).flatMap(([k, v]) =>
    isIntrinsicKey(k) || inIntrinsic ? crossStackReadsIn(v, path, true) : crossStackReadsIn(v, [...path, k]),
  );
}

/**
 * A string-valued template expression as CloudFormation evaluates it in this stack: a literal, a
 * pseudo parameter (`AWS::Region`, `AWS::AccountId`, `AWS::StackName`, `AWS::Partition`), or an
 * `Fn::Sub` / `Fn::Join` of those. Undefined when it depends on anything else.
 */
export function resolveText(value: unknown, stack: StackArtifact): string | undefined {
  const pseudo: Record<string, string> = {
    'AWS::Region': stack.region,
    'AWS::AccountId': stack.account,
    'AWS::StackName': stack.stackName,
    'AWS::Partition': partitionOf(stack.region),
    'AWS::URLSuffix': stack.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com',
  };
  if (typeof value === 'string') return value;
  if (!isPlainObject(value)) return undefined;
  if (typeof value.Ref === 'string') return pseudo[value.Ref];
  const sub = value['Fn::Sub'];
  if (sub !== undefined) {
    const [text, vars] = Array.isArray(sub) ? sub : [sub, {}];
    if (typeof text !== 'string' || !isPlainObject(vars)) return undefined;
    let unresolved = false;
    const out = text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      const resolved = name in vars ? resolveText(vars[name], stack) : pseudo[name];
      if (resolved === undefined) unresolved = true;
      return resolved ?? '';
    });
    return unresolved ? undefined : out;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((p) => resolveText(p, stack));
    return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** One output of a stack, as another stack reads it. */
export interface OutputSource {
  readonly stack: StackArtifact;
  readonly outputKey: string;
  readonly value: unknown;
  readonly exportName?: string;
}

/** The output of an assembly's stack that a read of another stack names, if the assembly has it. */
export type OutputResolver = (reader: StackArtifact, read: CrossStackRead) => OutputSource | undefined;

/** Resolves imports (by export name, in the reader's account and region) and stack outputs in an assembly. */
export function outputResolver(assembly: Assembly): OutputResolver {
  const byExport = new Map<string, OutputSource>();
  const byOutput = new Map<string, OutputSource>();
  for (const stack of assembly.stacks) {
    for (const [outputKey, output] of Object.entries(stack.template.Outputs ?? {})) {
      const exportName = output.Export ? resolveText(output.Export.Name, stack) : undefined;
      const source = { stack, outputKey, value: output.Value, exportName };
      if (exportName) byExport.set(`${stack.account}|${stack.region}|${exportName}`, source);
      byOutput.set(`${stack.account}|${stack.region}|${stack.stackName}|${outputKey}`, source);
      byOutput.set(`*|${stack.region}|${stack.stackName}|${outputKey}`, source);
    }
  }
  return (reader, read) => {
    const key = readKey(reader, read);
    if (!key) return undefined;
    return read.kind === 'import' ? byExport.get(key) : byOutput.get(key);
  };
}

/** The key a read looks its output up by; undefined when its names are not literal here. */
function readKey(reader: StackArtifact, read: CrossStackRead): string | undefined {
  if (read.kind === 'import') {
    const name = resolveText(read.name, reader);
    return name === undefined ? undefined : `${reader.account}|${reader.region}|${name}`;
  }
  const stackName = resolveText(read.stackName, reader);
  const outputName = resolveText(read.outputName, reader);
  const region = read.region === undefined ? reader.region : resolveText(read.region, reader);
  if (stackName === undefined || outputName === undefined || region === undefined) return undefined;
  // With a role, the output may be in another account.
  return `${read.roleArn === undefined ? reader.account : '*'}|${region}|${stackName}|${outputName}`;
}

/** Which stacks of an assembly read each output: by `Fn::ImportValue` of its export or `Fn::GetStackOutput`. */
export interface OutputReaders {
  /** Paths of the stacks (other than its own) that import this export of `stack`. */
  importersOf(stack: StackArtifact, exportName: string): string[];
  /** Paths of the stacks that read this output of `stack` with `Fn::GetStackOutput`. */
  readersOf(stack: StackArtifact, outputKey: string): string[];
}

/** Indexes every cross-stack read of an assembly's resources and outputs. */
export function outputReaders(assembly: Assembly): OutputReaders {
  const readers = new Map<string, Set<string>>();
  for (const reader of assembly.stacks) {
    const { Resources = {}, Outputs = {} } = reader.template;
    for (const { read } of crossStackReadsIn([Resources, Outputs])) {
      const key = readKey(reader, read);
      if (!key) continue;
      const set = readers.get(`${read.kind}|${key}`) ?? new Set<string>();
      set.add(reader.path);
      readers.set(`${read.kind}|${key}`, set);
    }
  }
  const list = (key: string, except?: string) => [...(readers.get(key) ?? [])].filter((p) => p !== except).sort();
  return {
    importersOf: (stack, exportName) => list(`import|${stack.account}|${stack.region}|${exportName}`, stack.path),
    readersOf: (stack, outputKey) => [
      ...new Set([
        ...list(`output|${stack.account}|${stack.region}|${stack.stackName}|${outputKey}`),
        ...list(`output|*|${stack.region}|${stack.stackName}|${outputKey}`),
      ]),
    ],
  };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isIntrinsicKey(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

function isIntrinsic(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && isIntrinsicKey(keys[0]);
}
