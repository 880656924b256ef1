/**
 * CloudFormation types that store or carry user data: databases, tables, buckets, user pools,
 * queues and topics (message bodies), file systems, streams, secrets, log groups (logs hold
 * IPs and request details), caches, search domains and backup vaults.
 */
export const DATA_BEARING_TYPES: ReadonlySet<string> = new Set([
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::Cognito::UserPool',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::EFS::FileSystem',
  'AWS::FSx::FileSystem',
  'AWS::Kinesis::Stream',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::SecretsManager::Secret',
  'AWS::Logs::LogGroup',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::ServerlessCache',
  'AWS::OpenSearchService::Domain',
  'AWS::Backup::BackupVault',
  'AWS::Neptune::DBCluster',
  'AWS::DocDB::DBCluster',
  'AWS::ElastiCache::CacheCluster',
  'AWS::MemoryDB::Cluster',
  'AWS::Redshift::Cluster',
  'AWS::RedshiftServerless::Namespace',
  'AWS::MSK::Cluster',
  'AWS::MSK::ServerlessCluster',
  'AWS::Cassandra::Table',
  'AWS::OpenSearchServerless::Collection',
  'AWS::Elasticsearch::Domain',
  'AWS::Timestream::Table',
  'AWS::EC2::Volume',
  'AWS::KinesisVideo::Stream',
  'AWS::Glue::Database',
  'AWS::DataZone::Domain',
]);

/**
 * What may sit in the edge region (us-east-1) when it is no market's allowed location:
 * CloudFront, its certificate, its WAF, DNS records and the public pages bucket and its key.
 */
export const EDGE_TYPES: ReadonlySet<string> = new Set([
  'AWS::CloudFront::Distribution',
  'AWS::CloudFront::OriginAccessControl',
  'AWS::CloudFront::ResponseHeadersPolicy',
  'AWS::CloudFront::CachePolicy',
  'AWS::CloudFront::OriginRequestPolicy',
  'AWS::CloudFront::Function',
  'AWS::CertificateManager::Certificate',
  'AWS::WAFv2::WebACL',
  'AWS::Route53::RecordSet',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  // Global services, whose one endpoint is in us-east-1.
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::Organizations::Policy',
  'AWS::CDK::Metadata',
]);
