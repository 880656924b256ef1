import { Fn, Stack } from 'aws-cdk-lib';

/**
 * A stack with a network in one region. Its availability zones are the first two CloudFormation
 * finds in the account, resolved at deploy time.
 *
 * A stack with an explicit account and region would otherwise look its zones up at synth
 * (AWS credentials needed), and writing zone names into the plan hard-codes names that map
 * to different zones in each account (the CloudFormation validator's W3010).
 */
export class RegionalStack extends Stack {
  public override get availabilityZones(): string[] {
    return [0, 1].map((i) => Fn.select(i, Fn.getAzs()));
  }
}
