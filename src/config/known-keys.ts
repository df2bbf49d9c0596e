// Every key a profile section may hold that rolecall or the AWS CLI reads: doctor names a key that
// is none of them but one edit or two away from one (`web_identiy_client_id`), which every tool
// would otherwise skip without a word.
import { INHERITED_KEYS } from './profile';

const ROLECALL_KEYS = [
  ...INHERITED_KEYS,
  'role_arn', 'source_profile', 'credential_source', 'mfa_serial', 'external_id', 'role_session_name', 'duration_seconds',
  'jump_role_arn', 'default_iam_role_arn', 'federation_type', 'web_identity_token_file',
  'oidc_provider_token_exchange_audience', 'oidc_provider_token_exchange_subject_token_type',
];

// botocore's profile keys (the AWS CLI v2 and the SDKs read the same)
const AWS_CLI_KEYS = [
  'region', 'output', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token', 'aws_account_id',
  'credential_process', 'sso_session', 'sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name', 'sso_registration_scopes',
  'ca_bundle', 'cli_timestamp_format', 'cli_follow_urlparam', 'cli_binary_format', 'cli_pager', 'cli_auto_prompt', 'cli_history',
  'parameter_validation', 'retry_mode', 'max_attempts', 'endpoint_url', 'ignore_configure_endpoint_urls', 'use_dualstack_endpoint',
  'use_fips_endpoint', 'tcp_keepalive', 's3', 'sts_regional_endpoints', 'metadata_service_timeout', 'metadata_service_num_attempts',
  'ec2_metadata_service_endpoint', 'ec2_metadata_service_endpoint_mode', 'ec2_metadata_v1_disabled', 'api_versions', 'defaults_mode',
  'services', 'sdk_ua_app_id', 'request_min_compression_size_bytes', 'disable_request_compression', 'account_id_endpoint_mode',
  'request_checksum_calculation', 'response_checksum_validation', 'auth_scheme_preference', 'sigv4a_signing_region_set',
];

export const KNOWN_KEYS: ReadonlySet<string> = new Set([...ROLECALL_KEYS, ...AWS_CLI_KEYS]);
