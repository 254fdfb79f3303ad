/**
 * FieldMask paths in JSON: each snake_case path becomes lowerCamelCase, joined by ",". A path that
 * would not come back the same ("fooBar", "foo_3") cannot be printed, as protobuf rules.
 * https://protobuf.dev/reference/protobuf/google.protobuf/#field-mask
 */

/** The JSON of FieldMask paths, or a problem naming the path that has no JSON form. */
export function fieldMaskToJson(paths: readonly string[]): string | { problem: string } {
  const converted: string[] = [];
  for (const path of paths) {
    if (/[A-Z]/.test(path)) return { problem: `path ${JSON.stringify(path)} has an uppercase letter (no JSON form)` };
    if (/_(?![a-z])/.test(path))
      return { problem: `path ${JSON.stringify(path)} has a "_" not followed by a lowercase letter (no JSON form)` };
    converted.push(path.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()));
  }
  return converted.join(",");
}

/** FieldMask paths of their JSON text, or a problem. */
export function fieldMaskFromJson(text: string): string[] | { problem: string } {
  if (text === "") return [];
  const paths: string[] = [];
  for (const path of text.split(",")) {
    if (path.includes("_")) return { problem: `path ${JSON.stringify(path)} has a "_" (JSON paths are lowerCamelCase)` };
    paths.push(path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));
  }
  return paths;
}
