export type { DeliveryWait, EmulatorHandle, SubscribeInput, SubscribeResult } from './api/handle.js';
export { type RunningEmulator, type StartOptions, startEmulator } from './api/start.js';
export {
  createEmulatorClient,
  type EmulatorClient,
  type EmulatorClientOptions,
  type EmulatorResponse,
  type GraphAppointment,
  type RequestOptions,
  type SubscribeCall,
} from './client/client.js';
export { EmulatorApiError } from './client/errors.js';
export {
  fetchTransport,
  injectTransport,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './client/transport.js';
export type { EmulatorOptions, ResolvedConfig } from './config/options.js';
export { resolveConfig } from './config/options.js';
export { EmulatorError, errorDefinitions } from './core/errors.js';
export { getSchemaRegistry, SchemaRegistry, schemaId } from './core/schemas/registry.js';
export type { EmulatorEventMap } from './domain/events.js';
export {
  allowedValues,
  type PolicySettings,
  policyDefaults,
  policyNames,
  policyTable,
  quirkNames,
} from './domain/policies.js';
export { type PolicyVariant, policyVariants } from './domain/policy-variants.js';
export { triggerApiBase } from './domain/triggers.js';
export type * from './generated/schema-types.js';
export { buildApp } from './http/app.js';
export type { EmulatorContext } from './http/context.js';
