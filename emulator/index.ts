export type { DeliveryWait, EmulatorHandle, SubscribeInput, SubscribeResult } from './api/handle.js';
export { buildApp } from './app.js';
export type { EmulatorOptions, ResolvedConfig } from './config/options.js';
export { resolveConfig } from './config/options.js';
export {
  allowedValues,
  type PolicySettings,
  type PolicyVariant,
  policyDefaults,
  policyNames,
  policyTable,
  policyVariants,
  quirkNames,
} from './config/policies.js';
export type { EmulatorContext } from './context.js';
export { EmulatorError, errorDefinitions } from './errors/registry.js';
export type { EmulatorEventMap } from './events.js';
export type * from './generated/schema-types.js';
export { triggerApiBase } from './routes/trigger-api.js';
export { getSchemaRegistry, SchemaRegistry, schemaId } from './schemas/registry.js';
export { type RunningEmulator, type StartOptions, startEmulator } from './start.js';
