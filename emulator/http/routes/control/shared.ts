import { schemaId } from '../../../core/schemas/registry.js';

/** A body schema from control-api.schema.json's $defs. */
export const controlSchema = (definition: string) => ({
  $ref: schemaId('control-api', `#/$defs/${definition}`),
});

/** preValidation for bodies that may be left out: a bare POST is judged as `{}`. */
export const emptyBody = async (request: { body: unknown }) => {
  request.body ??= {};
};
