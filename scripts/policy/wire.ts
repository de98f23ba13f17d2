/**
 * Property values in the engine's wire form (google.protobuf.Struct JSON), as the engine marshals
 * them for an analyzer (analyzer_plugin.go: MarshalProperties with KeepUnknowns and KeepSecrets,
 * without KeepResources): unknowns stay the unknown sentinel, secrets keep their signature,
 * assets and archives carry only their contents, and a resource reference becomes its id (or its
 * URN when it has no id). Also the engine's check of what an analyzer hands back.
 */
import * as pulumi from "@pulumi/pulumi";

const SIG = pulumi.runtime.specialSigKey;
const ASSET = pulumi.runtime.specialAssetSig;
const ARCHIVE = pulumi.runtime.specialArchiveSig;
const SECRET = pulumi.runtime.specialSecretSig;
const RESOURCE = pulumi.runtime.specialResourceSig;
const OUTPUT = pulumi.runtime.specialOutputValueSig;
export const UNKNOWN = pulumi.runtime.unknownValue;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type WireMap = Record<string, Json>;

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The engine's form of one value the program (or the mock provider) sent. */
export function engineValue(value: unknown): Json {
  if (Array.isArray(value)) return value.map(engineValue);
  if (!isObject(value)) return value as Json;
  switch (value[SIG]) {
    case ASSET:
      return pick({ [SIG]: ASSET }, value, ["text", "path", "uri"]);
    case ARCHIVE: {
      if (isObject(value.assets)) {
        const assets = Object.fromEntries(Object.entries(value.assets).map(([k, v]) => [k, engineValue(v)]));
        return { [SIG]: ARCHIVE, assets };
      }
      return pick({ [SIG]: ARCHIVE }, value, ["path", "uri"]);
    }
    case SECRET:
      return { [SIG]: SECRET, value: engineValue(value.value) };
    case RESOURCE:
      return typeof value.id === "string" && value.id !== "" ? value.id : (value.urn as string);
    case OUTPUT: {
      const inner = "value" in value ? engineValue(value.value) : UNKNOWN;
      return value.secret ? { [SIG]: SECRET, value: inner } : inner;
    }
    default:
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, engineValue(v)]));
  }
}

function pick(into: Record<string, Json>, from: Record<string, any>, keys: string[]): Record<string, Json> {
  for (const key of keys) if (typeof from[key] === "string") into[key] = from[key];
  return into;
}

/** Top-level properties in engine form; `skipInternalKeys` drops `__`-prefixed keys (as Analyze does). */
export function engineProperties(props: Record<string, unknown>, skipInternalKeys: boolean): WireMap {
  const out: WireMap = {};
  for (const [key, value] of Object.entries(props)) {
    if (skipInternalKeys && isInternalKey(key)) continue;
    out[key] = engineValue(value);
  }
  return out;
}

const isInternalKey = (key: string) => key.startsWith("__");

/** The same properties without the `__`-prefixed keys the engine keeps to itself. */
export function withoutInternalKeys(props: WireMap): WireMap {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !isInternalKey(key)));
}

/**
 * What the engine does with a remediation's properties (UnmarshalProperties): an archive's
 * `assets` must map names to assets or archives, an asset must hold text, a path or a URI.
 * Returns the first problem as the engine words it, or undefined when the value round-trips.
 */
export function unmarshalProblem(value: unknown, at = ""): string | undefined {
  if (Array.isArray(value)) return firstProblem(value.map((v, i) => unmarshalProblem(v, `${at}[${i}]`)));
  if (!isObject(value)) return undefined;
  if (value[SIG] === ARCHIVE) return archiveProblem(value, at);
  if (value[SIG] === ASSET) {
    return ["text", "path", "uri"].some((k) => typeof value[k] === "string")
      ? undefined
      : `${at}: asset is missing one of text, path or uri`;
  }
  return firstProblem(Object.entries(value).map(([k, v]) => unmarshalProblem(v, at ? `${at}.${k}` : k)));
}

function archiveProblem(value: Record<string, any>, at: string): string | undefined {
  if ("assets" in value) {
    if (!isObject(value.assets)) return `${at}: unexpected archive contents (assets is ${JSON.stringify(value.assets)})`;
    return firstProblem(
      Object.entries(value.assets).map(([name, a]) =>
        isObject(a) && (a[SIG] === ASSET || a[SIG] === ARCHIVE)
          ? unmarshalProblem(a, `${at}.assets.${name}`)
          : `${at}.assets.${name}: unexpected archive contents (not an asset or archive)`,
      ),
    );
  }
  return typeof value.path === "string" || typeof value.uri === "string" ? undefined : `${at}: archive has no assets, path or uri`;
}

function firstProblem(problems: (string | undefined)[]): string | undefined {
  return problems.find((p) => p !== undefined);
}
