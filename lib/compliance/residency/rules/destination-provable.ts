import { type CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { allowlisted } from '../no-personal-data-destinations';
import {
  externalHosts,
  externalUrls,
  hostOf,
  isOwnOrLocal,
  locate,
  looksExternal,
  type Whereabouts,
} from '../whereabouts';
import { deployedProperties, personalMarkets, type ResidencyRule, renderedResource } from './residency-rule';

/** Property names that grant access rather than move data: IAM reads them, nothing is sent. */
const GRANTS = new Set([
  'PolicyDocument',
  'AssumeRolePolicyDocument',
  'KeyPolicy',
  'Policies',
  'ManagedPolicyArns',
  'PermissionsBoundary',
  'Tags',
]);
/** Types that only grant, invoke inward, or describe the stack. */
const INERT_TYPES = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::Lambda::Permission',
  'AWS::CDK::Metadata',
]);
/** A property (or a Key/Name of a key-value pair) that names where something goes. */
const DESTINATION_KEY =
  /(arn|arns|bucket|bucketname|destination|destinations|endpoint|endpoints|endpointuri|url|urls|uri|location|region|regions|stream|streamname|queue|topic|bus|busname|servername|hostname|host|deliverystream|target|targets|dsn|webhook|broker|brokers|sink|replica|replicas|collector)$/i;
/** A key that names a bucket, so a plain word there is a bucket name. */
const BUCKET_KEY = /bucket(name)?$/i;
/** Unprovable forms that are destinations whatever their key: an S3 URI or ARN outside the app, a URL outside AWS. */
const DESTINATION_FORM =
  /^(bucket-outside-this-app|outside-aws|arn-without-region|cross-region-inference|resource-of-another-account|forwarder-outside)/;

interface Leaf {
  readonly path: string;
  readonly key: string;
  readonly value: unknown;
}

function isIntrinsic(value: object): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

const TOKEN_MARK = /@@token(\d+)@@/g;

/**
 * A `Fn::Join` that renders JSON (CDK's toJsonString of an object holding tokens), parsed with
 * each token put back where it was, so its keys still say what each value is. Undefined otherwise.
 */
function jsonWithTokens(value: object): unknown {
  const join = (value as { 'Fn::Join'?: unknown })['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return undefined;
  const parts = join[1] as unknown[];
  if (typeof parts[0] !== 'string' || !/^\s*[[{]/.test(parts[0])) return undefined;
  const tokens: unknown[] = [];
  const text = parts.map((p) => (typeof p === 'string' ? p : `@@token${tokens.push(p) - 1}@@`)).join('');
  const restore = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const pieces = v.split(TOKEN_MARK).map((piece, i) => (i % 2 ? tokens[Number(piece)] : piece));
      const kept = pieces.filter((piece) => piece !== '');
      return kept.length === 1 ? kept[0] : { 'Fn::Join': ['', kept] };
    }
    if (Array.isArray(v)) return v.map(restore);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restore(x)]));
    return v;
  };
  try {
    return restore(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Every value in a property tree with its path and the key that names it (a pair's Key or Name). */
function leaves(value: unknown, path: string, key: string, out: Leaf[]): Leaf[] {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) leaves(v, path ? `${path}.${i}` : String(i), key, out);
  } else if (typeof value === 'object' && jsonWithTokens(value) !== undefined) {
    // JSON built around tokens (a state machine, a custom resource's call): read it as properties.
    leaves(jsonWithTokens(value), path, key, out);
  } else if (typeof value === 'object' && !isIntrinsic(value)) {
    const record = value as Record<string, unknown>;
    const pairKey =
      typeof record.Key === 'string' ? record.Key : typeof record.Name === 'string' ? record.Name : undefined;
    for (const [k, v] of Object.entries(record)) {
      if (GRANTS.has(k)) continue;
      const named = pairKey !== undefined && k === 'Value' ? pairKey : k;
      leaves(v, path ? `${path}.${k}` : k, named, out);
    }
  } else if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    // JSON inside a string (a custom resource's API call, a state machine): read it as properties.
    try {
      leaves(JSON.parse(value), path, key, out);
    } catch {
      out.push({ path, key, value });
    }
  } else {
    out.push({ path, key, value });
  }
  return out;
}

/**
 * The default deny: in a resource holding personal data, any value the specific rules do not
 * read that names a place (an ARN, a regional endpoint, a region, a bucket, a stream, a queue, a
 * URL) must be proven to be in a region every market allows. A value the pack cannot place is a
 * finding, unless the reviewed allowlist says nothing personal goes there. And a reference to a
 * data store of this app in another region pulls that store's data here: its markets must allow
 * this region, whatever this resource declares.
 */
export function destinationProvable(covers: Readonly<Record<string, readonly string[]>>): ResidencyRule {
  return {
    id: 'DestinationProvable',
    info: 'A resource names a destination in a region one of its markets does not allow, one the pack cannot place, or a data store in another region whose markets may not come here.',
    explanation:
      'Whatever a property names as a destination (an ARN, a bucket, a stream, a queue, a bus, an endpoint, a URL, a region) decides where data can go. Name resources of this app (Ref, GetAtt, or an ARN with a region) in a region each market allows. Parameters, imports, SSM values, custom-resource answers, names from outside the app and endpoints outside AWS cannot be placed; if nothing personal goes there, add the destination with its reason to no-personal-data-destinations.ts for review.',
    check(policy, node) {
      const type = node.cfnResourceType;
      const markets = personalMarkets(policy, node);
      const rendered = renderedResource(node);
      if (rendered.Type !== type) {
        // An override of the type makes every rule read the wrong resource.
        return policy.disallowedAt(
          markets,
          [{ kind: 'unprovable', why: `type-overridden-to-${rendered.Type}` }],
          'sends-to',
          'Type',
        );
      }
      if (INERT_TYPES.has(type)) return NagRuleCompliance.NOT_APPLICABLE;
      const claimed = (covers[type] ?? []).map(
        (p) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '\\d+')}(\\.|$)`),
      );
      const stack = Stack.of(node);
      if (type === 'AWS::CloudFormation::Stack' && !isNestedStackOfThisApp(node)) {
        return policy.disallowedAt(
          markets,
          [{ kind: 'unprovable', why: 'template-the-pack-cannot-read' }],
          'sends-to',
          'TemplateURL',
        );
      }
      const initScripts = leaves(
        rendered.Metadata?.['AWS::CloudFormation::Init'],
        'Metadata.AWS::CloudFormation::Init',
        '',
        [],
      );
      const findings = [...leaves(deployedProperties(node), '', '', []), ...initScripts]
        .filter((leaf) => !claimed.some((c) => c.test(leaf.path)) && !allowlisted(type, leaf.path))
        .flatMap((leaf) => {
          const destination = DESTINATION_KEY.test(leaf.key);
          const { value } = leaf;
          let where: Whereabouts[] = locate(stack, value);
          if (typeof value === 'string') {
            where.push(...externalUrls(value, policy.ownDomains), ...externalHosts(value, policy.ownDomains));
            if (where.length === 0 && destination) {
              if (BUCKET_KEY.test(leaf.key) && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) {
                where = locate(stack, `arn:aws:s3:::${value}`);
              } else if (looksExternal(value) && !isOwnOrLocal(hostOf(value), policy.ownDomains)) {
                where = [{ kind: 'unprovable', why: 'outside-aws' }];
              }
            }
          } else if (where.length === 0 && destination && typeof value === 'object' && value !== null) {
            where = [{ kind: 'unprovable', why: 'built-from-text' }];
          }
          const own = where.filter((w) => w.kind !== 'unprovable' || destination || DESTINATION_FORM.test(w.why));
          return [
            ...policy.disallowedAt(markets, own, 'sends-to', leaf.path),
            ...policy.pulledInto(node, where, leaf.path),
          ];
        });
      return findings.length ? [...new Set(findings)] : NagRuleCompliance.COMPLIANT;
    },
  };
}

/** Whether a nested-stack resource is one of this app's NestedStacks, whose resources the pack reads. */
function isNestedStackOfThisApp(node: CfnResource): boolean {
  return node.node.root.node.findAll().some((c) => NestedStack.isNestedStack(c) && c.nestedStackResource === node);
}
