/** The text of docs/asyncapi.yaml, read once at start-up. */
export const ASYNCAPI_DOCUMENT = Symbol('ASYNCAPI_DOCUMENT');
