import { join } from 'node:path';
import { type BundlingOptions, DockerImage } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { GOAL_PROBE_FILE } from '../canary/goal-contract';

/** The canary's TypeScript sources; the asset's source path. */
export const GOAL_PROBE_SOURCE_DIR = join(__dirname, '..', 'canary');

/** Where Synthetics looks for a Node.js handler's file inside the code bundle. */
export const GOAL_PROBE_BUNDLE_PATH = join('nodejs', 'node_modules', `${GOAL_PROBE_FILE}.js`);

/**
 * Bundles the goal canary into `outputDir` with esbuild, in this process: one CommonJS file for
 * the Synthetics Node.js runtime (Node 22), at the path Synthetics requires
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_WritingCanary_Nodejs.html).
 * The runtime's own modules and the AWS SDK stay out of the bundle: the runtime provides them.
 * Readable, not minified: reviewers can open the asset.
 */
export function bundleGoalProbe(outputDir: string): void {
  buildSync({
    entryPoints: [join(GOAL_PROBE_SOURCE_DIR, `${GOAL_PROBE_FILE}.ts`)],
    outfile: join(outputDir, GOAL_PROBE_BUNDLE_PATH),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['Synthetics', 'SyntheticsLogger', '@aws-sdk/*'],
    legalComments: 'none',
    logLevel: 'silent',
  });
}

/**
 * One options object for every canary: CDK stages an asset once per source path, bundling options
 * and output folder, so every canary of a synth shares one bundle and esbuild runs once. Local
 * bundling either succeeds or throws; the image is never pulled (this project has no Docker).
 */
const BUNDLING: BundlingOptions = {
  image: DockerImage.fromRegistry('local-esbuild-only'),
  local: {
    tryBundle(outputDir: string): boolean {
      bundleGoalProbe(outputDir);
      return true;
    },
  },
};

/**
 * The goal canary's code, bundled from TypeScript by esbuild during synth (no Docker).
 *
 * Not `synthetics.Code.fromAsset`: that checks the handler's file inside the staged asset, and
 * when `cdk deploy 'Phase1/*'` selects other stacks, CDK skips bundling this one and stages the
 * TypeScript folder, where no `.js` file is; that check would then fail a synth that does not
 * deploy the canary at all. The layout is tested on the bundle instead (test/canary).
 */
export class GoalProbeCode extends synthetics.Code {
  private asset?: s3assets.Asset;

  public bind(scope: Construct): synthetics.CodeConfig {
    this.asset ??= new s3assets.Asset(scope, 'Code', { path: GOAL_PROBE_SOURCE_DIR, bundling: BUNDLING });
    return { s3Location: { bucketName: this.asset.s3BucketName, objectKey: this.asset.s3ObjectKey } };
  }
}
