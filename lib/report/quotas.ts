import type { StackArtifact } from './assembly';

/** One CloudFormation quota a template counts against. */
export interface Quota {
  readonly name: string;
  readonly limit: number;
  readonly unit: string;
  /** What the stack uses. */
  count(stack: StackArtifact): number;
}

/**
 * CloudFormation's per-template quotas ("Understand CloudFormation quotas"):
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 * The template size is the file's: CDK uploads every template to the bootstrap bucket and deploys
 * it by URL, so the S3 limit (1 MB) applies, not the 51,200 bytes of a template sent in the request.
 */
export const TEMPLATE_QUOTAS: readonly Quota[] = [
  { name: 'resources', limit: 500, unit: '', count: (s) => Object.keys(s.template.Resources ?? {}).length },
  { name: 'template size', limit: 1_000_000, unit: 'bytes', count: (s) => s.templateBytes },
  { name: 'outputs', limit: 200, unit: '', count: (s) => Object.keys(s.template.Outputs ?? {}).length },
  { name: 'parameters', limit: 200, unit: '', count: (s) => Object.keys(s.template.Parameters ?? {}).length },
  { name: 'mappings', limit: 200, unit: '', count: (s) => Object.keys(s.template.Mappings ?? {}).length },
  {
    name: 'dynamic references',
    limit: 60,
    unit: '',
    count: (s) => (JSON.stringify(s.template).match(/\{\{resolve:/g) ?? []).length,
  },
];

/** The template body a request may carry without S3: CDK always uploads, but `aws cloudformation deploy --template-body` would not. */
export const DIRECT_TEMPLATE_BODY_BYTES = 51_200;

/** Share of a quota from which the report warns. */
export const QUOTA_WARNING_SHARE = 0.8;

/** One stack's use of one quota. */
export interface QuotaUse {
  readonly quota: Quota;
  readonly used: number;
  /** 0..1+, used / limit. */
  readonly share: number;
  readonly headroom: number;
}

/** Every quota of a stack, the tightest first. */
export function quotaUses(stack: StackArtifact): QuotaUse[] {
  return TEMPLATE_QUOTAS.map((quota) => {
    const used = quota.count(stack);
    return { quota, used, share: used / quota.limit, headroom: quota.limit - used };
  }).sort((a, b) => b.share - a.share);
}
