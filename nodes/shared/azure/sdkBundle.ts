/**
 * The only file that imports Microsoft's Azure SDKs at runtime.
 *
 * The gulp build bundles this file, with every package it pulls in, into
 * `dist/nodes/shared/azure/sdkBundle.js`, so the published package has no runtime `dependencies`
 * (n8n installs community packages without scripts and without their dev dependencies). Node code
 * must reach it only through `loadAzureSdk()` in `./sdk`, which requires it on first use: n8n loads
 * every node file at start-up, and the bundle is several megabytes that an idle instance should not pay for.
 */
export { ClientCertificateCredential, ClientSecretCredential, AuthenticationError } from '@azure/identity';
export { SecurityInsights } from '@azure/arm-securityinsight';
export { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
export { LogsIngestionClient } from '@azure/monitor-ingestion';
export { createPipelineRequest, RestError, isRestError } from '@azure/core-rest-pipeline';
export { ServiceClient } from '@azure/core-client';
export type { TokenCredential } from '@azure/core-auth';
export { rootCertificates } from 'tls';
