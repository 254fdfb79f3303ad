/** A JSON value as JSON.parse returns it and JSON.stringify takes it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  /** A member of the object. */
  [key: string]: JsonValue;
}
