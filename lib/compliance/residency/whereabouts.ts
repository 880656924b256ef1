import {
  CfnElement,
  CfnOutput,
  CfnParameter,
  CfnResource,
  CustomResourceProviderBase,
  Stack,
  Token,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Where a value in a template points: a region (with the resource, when the pack found it in
 * the app), nowhere (an account ID, a partition, a global IAM ARN), or a place the pack cannot
 * prove. Unprovable is never read as "here": the residency rules turn it into a finding.
 */
export type Whereabouts =
  | {
      readonly kind: 'region';
      readonly region: string;
      /** The resource of this app it names, when the pack found it. */
      readonly resource?: CfnResource;
      /** The AWS service its ARN names, when it came from an ARN. */
      readonly service?: string;
    }
  /** A local provider's site of the plan (its database, reached over a VPN): a location, not a region. */
  | { readonly kind: 'site'; readonly location: string }
  | { readonly kind: 'nowhere' }
  | { readonly kind: 'unprovable'; readonly why: string };

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s;
/** ARNs whose empty region field is normal: global services that hold no one's data. */
const GLOBAL_SERVICES = new Set([
  'iam',
  'sts',
  'route53',
  'cloudfront',
  'organizations',
  'waf',
  'globalaccelerator',
  'shield',
  'budgets',
  'health',
]);
/** Pseudo parameters that name no place. */
const PLACELESS_PSEUDO = new Set([
  'AWS::Partition',
  'AWS::AccountId',
  'AWS::URLSuffix',
  'AWS::NoValue',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::NotificationARNs',
]);
const MARK = '\u0000';
/** SSM dynamic references: the parameter's name, and whether it is a secure string. */
const SSM_REFERENCE = /\{\{resolve:ssm(-secure)?:([^}]*)\}\}/g;
const SSM_OPENING = /\{\{resolve:ssm(?:-secure)?:/g;
/**
 * CDK's strong cross-region references: the producer's writer puts each value in an SSM parameter
 * `/cdk/exports/<consumer stack>/<id>` of the consumer's region, and the consumer's reader
 * answers with it (aws-cdk-lib core/lib/custom-resource-provider/cross-region-export-providers).
 */
const EXPORT_WRITER = 'Custom::CrossRegionExportWriter';
const EXPORT_READER = 'Custom::CrossRegionExportReader';
const CDK_EXPORT_PARAMETER = /^\/cdk\/exports\/[A-Za-z0-9_./-]+$/;

/** The property holding the physical name of stores an ARN may name, per type. */
const PHYSICAL_NAMES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Kinesis::Stream': 'Name',
};

/** The type and physical name an ARN's service and resource part name, for the stores above. */
function storeNamed(service: string, resource: string): { type: string; name: string } | undefined {
  const m = /^(cluster|db):(.+)$/.exec(resource);
  if (service === 'rds' && m)
    return { type: m[1] === 'cluster' ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance', name: m[2].toLowerCase() };
  if (service === 'dynamodb')
    return { type: 'AWS::DynamoDB::Table', name: resource.replace(/^table\//, '').split('/')[0] };
  if (service === 'kinesis') return { type: 'AWS::Kinesis::Stream', name: resource.replace(/^stream\//, '') };
  if (service === 'sqs') return { type: 'AWS::SQS::Queue', name: resource };
  if (service === 'sns') return { type: 'AWS::SNS::Topic', name: resource };
  return undefined;
}

/** An output of this app that exports its value. */
interface Export {
  readonly stack: Stack;
  readonly output: CfnOutput;
  /** The export's name; undefined when the template leaves it to deploy time (a parameter...). */
  readonly name?: string;
}

/** A value CDK's cross-region export writer puts in an SSM parameter of `region`. */
interface CrossRegionWrite {
  readonly stack: Stack;
  readonly region: string;
  readonly value: unknown;
}

/**
 * What the pack knows about the app, built once per tree: stacks by name, stores by physical
 * name, exports by name, and who writes each SSM parameter (CDK's cross-region export writers, and
 * the app's own `AWS::SSM::Parameter`s). An export or a parameter whose name is left to deploy time
 * may have any name, so it is listed under every name.
 */
class AppIndex {
  private readonly stacks = new Map<string, Stack>();
  private readonly byName = new Map<string, CfnResource>();
  private readonly elements = new Map<Stack, Map<string, CfnElement>>();
  private readonly exported = new Map<string, Export[]>();
  private readonly exportedUnnamed: Export[] = [];
  private readonly written = new Map<string, CrossRegionWrite[]>();
  private readonly declaredParameters = new Map<string, Stack[]>();
  private readonly declaredUnnamed: Stack[] = [];

  constructor(root: IConstruct) {
    for (const c of root.node.findAll()) {
      if (Stack.isStack(c) && !Token.isUnresolved(c.region)) this.stacks.set(`${c.stackName}|${c.region}`, c);
      if (CfnElement.isCfnElement(c)) {
        const stack = c.stack;
        const byId = this.elements.get(stack) ?? new Map<string, CfnElement>();
        this.elements.set(stack, byId);
        byId.set(stack.resolve(c.logicalId), c);
        if (c instanceof CfnOutput) this.addExport(c);
        if (CfnResource.isCfnResource(c)) this.addResource(c);
      }
    }
  }

  private addResource(resource: CfnResource): void {
    const type = resource.cfnResourceType;
    const nameProperty = PHYSICAL_NAMES[type];
    if (nameProperty) {
      const name = renderedOf(resource).Properties?.[nameProperty];
      if (typeof name === 'string')
        this.byName.set(`${type}|${type.startsWith('AWS::RDS') ? name.toLowerCase() : name}`, resource);
    }
    if (type === 'AWS::SSM::Parameter') {
      // With no Name, CloudFormation names the parameter `CFN-...`, never under /cdk/exports.
      const rendered = renderedOf(resource).Properties?.Name;
      const name = rendered === undefined ? undefined : literalName(resource.stack, rendered);
      if (name !== undefined) push(this.declaredParameters, name, resource.stack);
      else if (rendered !== undefined) this.declaredUnnamed.push(resource.stack);
    }
    if (type === EXPORT_WRITER && isCdkCrossRegionResource(resource, 'Writer')) {
      const props = renderedOf(resource).Properties?.WriterProps as { region?: unknown; exports?: unknown } | undefined;
      if (typeof props?.region !== 'string' || !props.exports || typeof props.exports !== 'object') return;
      for (const [name, value] of Object.entries(props.exports as Record<string, unknown>)) {
        push(this.written, name, { stack: resource.stack, region: props.region, value });
      }
    }
  }

  private addExport(output: CfnOutput): void {
    if (output.exportName === undefined) return;
    const stack = output.stack;
    const name = literalName(stack, stack.resolve(output.exportName));
    if (name === undefined) this.exportedUnnamed.push({ stack, output });
    else push(this.exported, name, { stack, output, name });
  }

  public element(stack: Stack, logicalId: string): CfnElement | undefined {
    return this.elements.get(stack)?.get(logicalId);
  }

  public stack(name: string, region: string): Stack | undefined {
    return this.stacks.get(`${name}|${region}`);
  }

  public named(type: string, name: string): CfnResource | undefined {
    return this.byName.get(`${type}|${name}`);
  }

  /** Outputs of this app, in any stack, that export under this name or may (named at deploy time). */
  public exportsThatMayBe(name: string): readonly Export[] {
    return [...(this.exported.get(name) ?? []), ...this.exportedUnnamed];
  }

  /** What CDK's cross-region export writers of this app put in this parameter, in any region. */
  public writesOf(parameter: string): readonly CrossRegionWrite[] {
    return this.written.get(parameter) ?? [];
  }

  /** Stacks of this app that declare an `AWS::SSM::Parameter` with this name, or may (named at deploy time). */
  public parametersThatMayBe(name: string): readonly Stack[] {
    return [...(this.declaredParameters.get(name) ?? []), ...this.declaredUnnamed];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

/** A resource as its template will hold it: tokens resolved, raw overrides (even of its type) included. */
function renderedOf(resource: CfnResource): { Type?: string; Properties?: Record<string, unknown> } {
  const template = resource.stack.resolve(resource._toCloudFormation()) as {
    Resources: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  };
  return Object.values(template.Resources)[0] ?? {};
}

const indexes = new WeakMap<IConstruct, AppIndex>();

function indexOf(stack: Stack): AppIndex {
  const root = stack.node.root;
  const index = indexes.get(root) ?? new AppIndex(root);
  indexes.set(root, index);
  return index;
}

function inStack(stack: Stack, resource?: CfnResource): Whereabouts {
  return Token.isUnresolved(stack.region)
    ? { kind: 'unprovable', why: 'environment-agnostic-stack' }
    : { kind: 'region', region: stack.region, resource };
}

/**
 * Where a resolved template value points, read in the context of the stack whose template holds
 * it. A literal that names no place gives [].
 */
export function locate(stack: Stack, value: unknown): Whereabouts[] {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return [];
  if (typeof value === 'string') return locateString(stack, value);
  if (Array.isArray(value)) return value.flatMap((v) => locate(stack, v));
  if (typeof value !== 'object') return [];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1 || !(entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return entries.flatMap(([, v]) => locate(stack, v));
  }
  const [fn, arg] = entries[0];
  switch (fn) {
    case 'Ref':
      return locateRef(stack, String(arg));
    case 'Fn::GetAtt': {
      const [logicalId, ...attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      const element = indexOf(stack).element(stack, String(logicalId));
      if (!CfnResource.isCfnResource(element))
        return [{ kind: 'unprovable', why: `attribute-of-unknown-${logicalId}` }];
      return (
        locateCrossRegionImport(stack, element, attribute.join('.')) ?? [opaque(element) ?? inStack(stack, element)]
      );
    }
    case 'Fn::GetStackOutput':
      return locateStackOutput(stack, arg as { StackName?: unknown; OutputName?: unknown; Region?: unknown });
    case 'Fn::ImportValue':
      return locateImport(stack, arg);
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return locateParts(stack, Array.isArray(parts) ? parts : [parts], separator);
    }
    case 'Fn::Sub':
      return locateParts(stack, subParts(arg), '');
    case 'Fn::If': {
      const [, whenTrue, whenFalse] = arg as unknown[];
      return [...locate(stack, whenTrue), ...locate(stack, whenFalse)];
    }
    case 'Fn::FindInMap':
      return locateInMapping(stack, arg as unknown[]);
    default:
      // Fn::Select, Fn::Split, Fn::Base64, Fn::GetAZs, Fn::Cidr...: as provable as their arguments.
      return locate(stack, arg);
  }
}

/**
 * A custom resource answers whatever its handler returns (an SSM value, a lookup), and a nested
 * stack's outputs are another template's values: neither can be placed from this template. CDK's
 * own cross-region export reader is read before this (`locateCrossRegionImport`).
 */
function opaque(resource: CfnResource): Whereabouts | undefined {
  const type = resource.cfnResourceType;
  if (type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::')) {
    return { kind: 'unprovable', why: 'value-from-a-custom-resource' };
  }
  if (type === 'AWS::CloudFormation::Stack') return { kind: 'unprovable', why: 'output-of-a-nested-stack' };
  return undefined;
}

/** A mapping is a table of literals: every value the keys could pick counts. */
function locateInMapping(stack: Stack, arg: unknown[]): Whereabouts[] {
  const [name, top, second] = arg;
  const element = typeof name === 'string' ? indexOf(stack).element(stack, name) : undefined;
  if (!element) return [{ kind: 'unprovable', why: 'value-from-an-unknown-mapping' }];
  const table = (stack.resolve(element._toCloudFormation()) as { Mappings?: Record<string, unknown> }).Mappings?.[
    name as string
  ];
  const rows = Object.entries((table ?? {}) as Record<string, Record<string, unknown>>)
    .filter(([key]) => typeof top !== 'string' || key === top)
    .flatMap(([, row]) => Object.entries(row ?? {}))
    .filter(([key]) => typeof second !== 'string' || key === second);
  return rows.flatMap(([, value]) => locate(stack, value));
}

function locateRef(stack: Stack, name: string): Whereabouts[] {
  if (name === 'AWS::Region') return [inStack(stack)];
  if (PLACELESS_PSEUDO.has(name)) return [{ kind: 'nowhere' }];
  const element = indexOf(stack).element(stack, name);
  if (CfnResource.isCfnResource(element)) return [opaque(element) ?? inStack(stack, element)];
  if (element instanceof CfnParameter) return [{ kind: 'unprovable', why: `parameter-${name}` }];
  return [{ kind: 'unprovable', why: `reference-to-unknown-${name}` }];
}

function locateStackOutput(
  stack: Stack,
  arg: { StackName?: unknown; OutputName?: unknown; Region?: unknown },
): Whereabouts[] {
  const region = typeof arg.Region === 'string' ? arg.Region : stack.region;
  const producer =
    typeof arg.StackName === 'string' && typeof region === 'string'
      ? indexOf(stack).stack(arg.StackName, region)
      : undefined;
  const output = producer && indexOf(producer).element(producer, String(arg.OutputName));
  if (!producer || !(output instanceof CfnOutput))
    return [{ kind: 'unprovable', why: 'output-of-a-stack-outside-this-app' }];
  return locate(producer, producer.resolve(output.value));
}

/** Whether a stack's account or region is left to deploy time. */
function isAgnostic(stack: Stack): boolean {
  return Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
}

/** Whether a stack may deploy into this account (and region): they are its own, or it leaves them open. */
function mayDeployTo(stack: Stack, account: string, region?: string): boolean {
  return (
    (Token.isUnresolved(stack.account) || stack.account === account) &&
    (region === undefined || Token.isUnresolved(stack.region) || stack.region === region)
  );
}

const following = new Set<string>();

/** Follows a name to the value behind it once: a chain of names that comes back to itself places nothing. */
function follow(key: string, place: () => Whereabouts[]): Whereabouts[] {
  if (following.has(key)) return [{ kind: 'unprovable', why: 'reference-cycle' }];
  following.add(key);
  try {
    return place();
  } finally {
    following.delete(key);
  }
}

/**
 * A name as CloudFormation will read it, when the template fixes it: text, or a Fn::Join or
 * Fn::Sub of text and the pseudo parameters whose value the stack knows (its name, region and
 * account). Undefined when any part is decided at deploy time: a parameter, an import, a
 * resource's attribute, a nested stack's generated name.
 */
function literalName(stack: Stack, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) return undefined;
  const [fn, arg] = entries[0];
  if (fn === 'Ref') {
    const known = new Map([
      ['AWS::StackName', stack.stackName],
      ['AWS::Region', stack.region],
      ['AWS::AccountId', stack.account],
    ]).get(String(arg));
    return known === undefined || Token.isUnresolved(known) ? undefined : known;
  }
  const subTemplate = Array.isArray(arg) ? arg[0] : arg;
  const [separator, parts] =
    fn === 'Fn::Join' && Array.isArray(arg)
      ? arg
      : fn === 'Fn::Sub' && typeof subTemplate === 'string'
        ? ['', subParts(arg)]
        : [];
  if (typeof separator !== 'string' || !Array.isArray(parts)) return undefined;
  const names = parts.map((part) => literalName(stack, part));
  return names.every((n) => n !== undefined) ? names.join(separator) : undefined;
}

/**
 * `Fn::ImportValue`. Exports are per account and region, so a literal name leads to the one
 * output of this app that exports it from the importing stack's account and region, and its
 * value is placed in the producing stack (a cluster's endpoint lands with the cluster). A name
 * that is not fixed in the template, a name no stack of this app exports there (any stack outside
 * it may), one exported twice or that an export named at deploy time may also take, and an import
 * or export whose account or region is left to deploy time are unprovable. CloudFormation keeps
 * export names unique per account and region, so no stack outside the app can hold the name while
 * ours does.
 */
function locateImport(stack: Stack, arg: unknown): Whereabouts[] {
  if (isAgnostic(stack)) return [{ kind: 'unprovable', why: 'import-in-an-environment-agnostic-stack' }];
  const name = literalName(stack, arg);
  if (name === undefined) return [{ kind: 'unprovable', why: 'import-name-not-a-literal' }];
  const exports = indexOf(stack)
    .exportsThatMayBe(name)
    .filter((e) => mayDeployTo(e.stack, stack.account, stack.region));
  if (exports.length === 0) return [{ kind: 'unprovable', why: 'import-of-an-export-not-in-this-app' }];
  if (exports.some((e) => e.name === undefined))
    return [{ kind: 'unprovable', why: 'import-may-match-an-export-named-at-deploy-time' }];
  if (exports.length > 1) return [{ kind: 'unprovable', why: 'import-of-an-export-declared-more-than-once' }];
  const [{ stack: producer, output }] = exports;
  if (isAgnostic(producer))
    return [{ kind: 'unprovable', why: 'import-of-an-export-of-an-environment-agnostic-stack' }];
  return follow(`import|${stack.account}|${stack.region}|${name}`, () =>
    locate(producer, producer.resolve(output.value)),
  );
}

/**
 * CDK's own cross-region export writer or reader: a resource of the type CDK gives it whose
 * service token is the provider CDK creates for it in that stack (found by the ID CDK gives it,
 * and of CDK's class). A resource of the same type with another handler answers whatever that
 * handler says.
 */
function isCdkCrossRegionResource(resource: CfnResource, role: 'Writer' | 'Reader'): boolean {
  const type = role === 'Writer' ? EXPORT_WRITER : EXPORT_READER;
  const rendered = renderedOf(resource);
  const provider = resource.stack.node.tryFindChild(`${type}CustomResourceProvider`);
  if (rendered.Type !== type || !(provider instanceof CustomResourceProviderBase)) return false;
  const classes: string[] = [];
  for (let p = Object.getPrototypeOf(provider); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    classes.push(p.constructor.name);
  }
  return (
    classes.includes(`CrossRegionSsm${role}Provider`) &&
    JSON.stringify(rendered.Properties?.ServiceToken) === JSON.stringify(resource.stack.resolve(provider.serviceToken))
  );
}

/**
 * CDK's strong cross-region reference, read where it is consumed: a `GetAtt` of CDK's
 * `Custom::CrossRegionExportReader`, which answers each attribute with the value its
 * `ReaderProps.imports` give it (`{{resolve:ssm:/cdk/exports/...}}`, read by CloudFormation in
 * this stack's region). Undefined for any other resource or attribute.
 */
function locateCrossRegionImport(stack: Stack, resource: CfnResource, attribute: string): Whereabouts[] | undefined {
  if (resource.cfnResourceType !== EXPORT_READER || !isCdkCrossRegionResource(resource, 'Reader')) return undefined;
  const imports = (renderedOf(resource).Properties?.ReaderProps as { imports?: unknown } | undefined)?.imports;
  if (!imports || typeof imports !== 'object' || !Object.hasOwn(imports, attribute)) return undefined;
  return locate(stack, (imports as Record<string, unknown>)[attribute]);
}

/**
 * A parameter CDK's strong cross-region references use: the producer's
 * `Custom::CrossRegionExportWriter` puts the value its template names into this parameter, in the
 * consumer's region and the producer's account. Exactly one such writer of this app for this
 * account and region (and no parameter of this app declared there under that name, or under a
 * name left to deploy time) places the value in the writer's stack. Undefined when no writer of this app writes it: the parameter
 * stays as unprovable as any other.
 */
function locateCrossRegionExport(stack: Stack, name: string): Whereabouts[] | undefined {
  if (!CDK_EXPORT_PARAMETER.test(name) || isAgnostic(stack)) return undefined;
  const index = indexOf(stack);
  const writes = index.writesOf(name).filter((w) => w.region === stack.region && mayDeployTo(w.stack, stack.account));
  if (writes.length === 0) return undefined;
  const declared = index.parametersThatMayBe(name).filter((s) => mayDeployTo(s, stack.account, stack.region));
  if (writes.length + declared.length > 1)
    return [{ kind: 'unprovable', why: 'cross-region-export-written-more-than-once' }];
  const [{ stack: writer, value }] = writes;
  if (isAgnostic(writer)) return [{ kind: 'unprovable', why: 'cross-region-export-of-an-environment-agnostic-stack' }];
  return follow(`ssm|${stack.account}|${stack.region}|${name}`, () => locate(writer, value));
}

/**
 * Text holding SSM dynamic references (with `MARK` where a token of a Fn::Join sits). A reference
 * to a parameter of CDK's cross-region export writers is placed where the writer's value is; any
 * other (a parameter of our own or from outside, a pinned version, a secure string, a name built
 * around a token) makes the text unprovable, as an SSM value decided outside the template. The
 * rest of the text is read as text.
 */
function locateSsmReferences(stack: Stack, text: string): Whereabouts[] {
  const unprovable: Whereabouts[] = [{ kind: 'unprovable', why: 'ssm-parameter' }];
  const rest = text.replace(SSM_REFERENCE, ' ').split(MARK).join('');
  if (rest.match(SSM_OPENING)) return unprovable;
  const placed = [...text.matchAll(SSM_REFERENCE)].map(([, secure, name]) =>
    secure ? undefined : locateCrossRegionExport(stack, name),
  );
  if (placed.some((p) => p === undefined)) return unprovable;
  return [...placed.flatMap((p) => p ?? []), ...locateString(stack, rest)];
}

/** Fn::Sub's template as Fn::Join parts: `${Name}` a Ref, `${Res.Attr}` a GetAtt, `${!x}` a literal. */
function subParts(arg: unknown): unknown[] {
  const [template, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
  const parts: unknown[] = [];
  let last = 0;
  for (const match of template.matchAll(/\$\{([^}]+)\}/g)) {
    parts.push(template.slice(last, match.index));
    const name = match[1];
    if (name.startsWith('!')) parts.push(`\${${name.slice(1)}}`);
    else if (variables && name in variables) parts.push(variables[name]);
    else if (name.includes('.') && !name.startsWith('AWS::'))
      parts.push({ 'Fn::GetAtt': [name.split('.')[0], name.split('.').slice(1).join('.')] });
    else parts.push({ Ref: name });
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(template.slice(last));
  return parts;
}

/**
 * A string built from literals and tokens. Pseudo parameters with a known value are written in,
 * other tokens become placeholders; an ARN's region field (or an S3 ARN's bucket) is then read
 * from the literal or from the token that fills it, and any other token counts as itself.
 */
function locateParts(stack: Stack, parts: unknown[], separator: string): Whereabouts[] {
  const tokens: unknown[] = [];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const pseudo = pseudoValue(stack, part);
      if (pseudo !== undefined) return pseudo;
      tokens.push(part);
      return `${MARK}${tokens.length - 1}${MARK}`;
    })
    .join(separator);
  const tokenAt = (field: string): unknown | undefined => {
    const m = new RegExp(`^${MARK}(\\d+)${MARK}$`).exec(field);
    return m ? tokens[Number(m[1])] : undefined;
  };
  const arn = ARN.exec(text);
  if (arn) {
    const [, , service, region, , resource] = arn;
    if (region !== '') {
      const token = tokenAt(region);
      if (token !== undefined) return locate(stack, token);
      if (region.includes(MARK)) return [{ kind: 'unprovable', why: 'arn-region-built-from-tokens' }];
      // A resource part filled by a reference (a cross-stack output) names that store; any other
      // reference or ARN inside it (an API Gateway integration's function) is a place of its own.
      const inner = [...resource.matchAll(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'))].flatMap((m) =>
        locate(stack, tokens[Number(m[1])]),
      );
      const named = inner.find((w) => w.kind === 'region' && w.resource && w.region === region);
      const outer = named ?? withStore(stack, regionOrUnprovable(region), service, resource, arn[4]);
      return [outer, ...inner.filter((w) => w !== named), ...nestedArns(stack, resource)];
    }
    if (service === 's3') {
      const bucket = resource.split('/')[0];
      const token = tokenAt(bucket);
      if (token !== undefined) return locate(stack, token);
      return bucket.includes(MARK)
        ? [{ kind: 'unprovable', why: 'bucket-name-built-from-tokens' }]
        : locateBucket(stack, bucket);
    }
    return GLOBAL_SERVICES.has(service)
      ? [{ kind: 'nowhere' }]
      : [{ kind: 'unprovable', why: `arn-without-region-${service}` }];
  }
  const holed = text.replace(new RegExp(`${MARK}\\d+${MARK}`, 'g'), MARK);
  const literal = holed.split(MARK).join('');
  // A token inside an SSM dynamic reference, or one that completes `{{resolve:ssm`, builds a
  // parameter name the pack cannot read: the text is unprovable however the pieces look glued.
  const openings = literal.match(SSM_OPENING)?.length ?? 0;
  const own =
    openings === 0
      ? locateString(stack, literal)
      : openings === (holed.match(SSM_OPENING)?.length ?? 0)
        ? locateSsmReferences(stack, holed)
        : [{ kind: 'unprovable', why: 'ssm-parameter' } as const];
  return [...own, ...tokens.flatMap((t) => locate(stack, t))];
}

function pseudoValue(stack: Stack, part: unknown): string | undefined {
  const ref = (part as { Ref?: unknown } | null)?.Ref;
  if (ref === 'AWS::Region' && !Token.isUnresolved(stack.region)) return stack.region;
  if (ref === 'AWS::Partition') return 'aws';
  if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (ref === 'AWS::AccountId') return Token.isUnresolved(stack.account) ? '000000000000' : stack.account;
  return undefined;
}

function regionOrUnprovable(region: string): Whereabouts {
  return REGION.test(region) ? { kind: 'region', region } : { kind: 'unprovable', why: `not-a-region-${region}` };
}

/** Same-account resources that pass data on to places their own ARN does not name. */
const FORWARDERS = /^(firehose:deliverystream\/|events:(api-destination|connection)\/)/;

/**
 * A region read from an ARN, with the store of this app it names when there is one there. A
 * resource of another account, or a forwarder (a delivery stream, an API destination) that is
 * not in this app, cannot be placed: where it sends the data is outside this template.
 */
function withStore(stack: Stack, where: Whereabouts, service: string, resource: string, owner = ''): Whereabouts {
  if (where.kind !== 'region') return where;
  where = { ...where, service };
  const ours = Token.isUnresolved(stack.account) ? undefined : stack.account;
  if (/^\d{12}$/.test(owner) && ours && owner !== ours)
    return { kind: 'unprovable', why: 'resource-of-another-account' };
  const named = !resource.includes(MARK) ? storeNamed(service, resource) : undefined;
  const store = named && indexOf(stack).named(named.type, named.name);
  if (store && store.stack.region === where.region) return { ...where, resource: store };
  if (FORWARDERS.test(`${service}:${resource}`)) return { kind: 'unprovable', why: 'forwarder-outside-this-app' };
  return where;
}

/** ARNs written inside another ARN's resource part (API Gateway integrations, Step Functions). */
function nestedArns(stack: Stack, resource: string): Whereabouts[] {
  return resource.includes('arn:') ? locateString(stack, resource.slice(resource.indexOf('arn:'))) : [];
}

function locateBucket(stack: Stack, name: string): Whereabouts[] {
  const bucket = indexOf(stack).named('AWS::S3::Bucket', name);
  return bucket ? [inStack(bucket.stack, bucket)] : [{ kind: 'unprovable', why: `bucket-outside-this-app-${name}` }];
}

const EMBEDDED_ARN = /arn:[a-z-]+:([a-z0-9-]+):([a-z0-9-]*):(\d*|aws):([^\s,;"'`\\]+)/g;
/** CDK's bootstrap asset bucket (`cdk-<qualifier>-assets-<account>-<region>`): read at deploy time, in its region. */
const BOOTSTRAP_BUCKET = /^(?:s3:\/\/)?cdk-[a-z0-9]+-assets-\d{12}-([a-z]{2}(?:-[a-z]+)+-\d)(?:\/.*)?$/;
/**
 * Bedrock cross-region inference: a `global.`, `us.`, `eu.`, `apac.`... profile sends prompts to
 * any region of that geography, whatever region its ARN names.
 * https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html
 */
const CROSS_REGION_INFERENCE =
  /(^|[/:"\s])(global|us|us-gov|eu|apac|jp|au|ca)\.(anthropic|amazon|meta|mistral|cohere|deepseek|openai|writer|ai21|stability|twelvelabs|qwen)\./;
const EMBEDDED_REGION = /(?<![a-z0-9-])([a-z]{2}(?:-[a-z]+)+-\d)(?![a-z0-9-])/g;
const EMBEDDED_HOST = /(?:^|[./@-])([a-z]{2}(?:-[a-z]+)+-\d)\.(?:[a-z0-9-]+\.)*amazonaws\.com/g;
const S3_URI = /s3a?:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/g;
const GLOBAL_S3_HOST = /(?:^|\/\/)([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3\.amazonaws\.com/g;

/**
 * A literal: a region code, an ARN, or text that holds them (a state machine definition, a
 * custom resource's API call, user data, a list). Every ARN, region code, regional endpoint and
 * S3 URI in it counts.
 */
function locateString(stack: Stack, value: string): Whereabouts[] {
  if (value.match(SSM_OPENING)) return locateSsmReferences(stack, value);
  const bootstrap = BOOTSTRAP_BUCKET.exec(value);
  if (bootstrap) return [{ kind: 'region', region: bootstrap[1] }];
  if (CROSS_REGION_INFERENCE.test(value)) return [{ kind: 'unprovable', why: 'cross-region-inference-profile' }];
  const arn = ARN.exec(value);
  if (arn && !/[\s,;"']/.test(value)) {
    const [, , service, region, owner, resource] = arn;
    return locateArn(stack, service, region, resource, owner);
  }
  const found: Whereabouts[] = [];
  for (const m of value.matchAll(EMBEDDED_ARN)) found.push(...locateArn(stack, m[1], m[2], m[4], m[3]));
  const outsideArns = value.replace(EMBEDDED_ARN, ' ');
  for (const m of outsideArns.matchAll(EMBEDDED_HOST)) found.push({ kind: 'region', region: m[1] });
  for (const m of outsideArns.replace(EMBEDDED_HOST, ' ').matchAll(EMBEDDED_REGION)) {
    found.push({ kind: 'region', region: m[1] });
  }
  for (const m of value.matchAll(S3_URI)) found.push(...locateBucket(stack, m[1]));
  for (const m of value.matchAll(GLOBAL_S3_HOST)) found.push(...locateBucket(stack, m[1]));
  return found;
}

function locateArn(stack: Stack, service: string, region: string, resource: string, owner = ''): Whereabouts[] {
  if (region !== '') {
    return [withStore(stack, regionOrUnprovable(region), service, resource, owner), ...nestedArns(stack, resource)];
  }
  if (service === 's3') return locateBucket(stack, resource.split('/')[0]);
  // Step Functions service integrations (arn:aws:states:::lambda:invoke) name an API, not a place.
  if (service === 'states' && /^[a-z0-9-]+:[a-zA-Z.]+/.test(resource)) return [{ kind: 'nowhere' }];
  return GLOBAL_SERVICES.has(service)
    ? [{ kind: 'nowhere' }]
    : [{ kind: 'unprovable', why: `arn-without-region-${service}` }];
}

const URL =
  /\b(?:https?|wss?|s?ftp|kafka|tcp|udp|amqps?|mqtts?|redis|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|jdbc:[a-z]+):\/\/(?:[^@/\s"'`]*@)?([a-z0-9.-]+)/gi;

/**
 * Hosts of URLs in a literal that are outside AWS and outside `ownDomains` (the company's own
 * names, which the plan routes): each is a place the pack cannot prove. AWS endpoints are placed
 * by `locate`; localhost is the task itself.
 */
export function externalUrls(value: string, ownDomains: readonly string[]): Whereabouts[] {
  return [...value.matchAll(URL)]
    .map((m) => m[1].toLowerCase())
    .filter((host) => !isOwnOrLocal(host, ownDomains) && !/(^|\.)amazonaws\.com$/.test(host))
    .map(() => ({ kind: 'unprovable', why: 'outside-aws' }) as const);
}

/** Top-level domains a host outside AWS is likely to end in (a name like `index.handler` is not a host). */
const PUBLIC_TLDS = new Set(
  (
    'com net org io ai co dev app cloud info biz me tv us uk de fr jp cn in br sg hk tw my id ph ru au ca eu nl se ch es it ' +
    'kr vn th tr mx ar cl za nz be at dk no fi pl pt ie il ae sa cz gr hu ro ua xyz tech site online shop store email'
  ).split(' '),
);

/**
 * Hosts written without a scheme (`datadoghq.com`, `broker1.partner.example.net:9092`, an e-mail
 * address, a comma-separated list of them) that are outside AWS and `ownDomains`.
 */
export function externalHosts(value: string, ownDomains: readonly string[]): Whereabouts[] {
  return value
    .split(/[\s,;]+/)
    .filter((token) => !token.includes('://'))
    .map((token) => hostOf(token).toLowerCase())
    .filter((host) => /^([a-z0-9-]+\.)+[a-z]{2,}$/.test(host) && PUBLIC_TLDS.has(host.split('.').pop() ?? ''))
    .filter((host) => !isOwnOrLocal(host, ownDomains) && !/(^|\.)amazonaws\.com$/.test(host))
    .map(() => ({ kind: 'unprovable', why: 'outside-aws' }) as const);
}

/** The host a URL, an e-mail address or a `host:port` names. */
export function hostOf(value: string): string {
  return value
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .split(/[:/?#]/)[0];
}

/** Whether a host is this company's (a plan domain) or the machine itself. */
export function isOwnOrLocal(host: string, ownDomains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || /^127\./.test(h) || ownDomains.some((d) => h === d || h.endsWith(`.${d}`));
}

/** Whether a literal reads like a place outside AWS: a URL, a host name, an e-mail or phone. */
export function looksExternal(value: unknown): boolean {
  return typeof value === 'string' && /(:\/\/|@|^\+?\d{7,}$|^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$)/i.test(value);
}
