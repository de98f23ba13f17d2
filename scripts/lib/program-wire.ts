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
export const UNKNOWN = pulumi.runtime.unknownValue;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type WireMap = Record<string, Json>;

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);
const mapValues = (value: Record<string, any>, fn: (v: any) => Json) =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));

/** The engine's form of one value the program (or the mock provider) sent. */
export function engineValue(value: unknown): Json {
  if (Array.isArray(value)) return value.map(engineValue);
  if (!isObject(value)) return value as Json;
  switch (value[SIG]) {
    case ASSET:
    case ARCHIVE: {
      // The SDK also sends its own marker keys (`__pulumiArchive: true`); the engine keeps only the contents.
      const contents: Record<string, Json> = isObject(value.assets) ? { assets: mapValues(value.assets, engineValue) } : {};
      for (const key of ["text", "path", "uri"]) if (typeof value[key] === "string") contents[key] = value[key];
      return { [SIG]: value[SIG], ...contents };
    }
    case SECRET:
      return { [SIG]: SECRET, value: engineValue(value.value) };
    case pulumi.runtime.specialResourceSig:
      return typeof value.id === "string" && value.id !== "" ? value.id : (value.urn as string);
    case pulumi.runtime.specialOutputValueSig: {
      const inner = "value" in value ? engineValue(value.value) : UNKNOWN;
      return value.secret ? { [SIG]: SECRET, value: inner } : inner;
    }
    default:
      return mapValues(value, engineValue);
  }
}

/** A Struct in the engine's form. */
export const engineProperties = (struct: { toJavaScript(): unknown } | undefined): WireMap =>
  struct ? (engineValue(struct.toJavaScript()) as WireMap) : {};

/** The engine's form without asset and archive signatures, for terse assertions: `{ assets: { "index.js": { text } } }`. */
export function plainValue(value: Json): any {
  if (Array.isArray(value)) return value.map(plainValue);
  if (!isObject(value)) return value;
  const keepSig = value[SIG] === SECRET;
  return mapValues(Object.fromEntries(Object.entries(value).filter(([k]) => keepSig || k !== SIG)), plainValue);
}

/**
 * What the engine does with a remediation's properties (UnmarshalProperties): an archive's
 * `assets` must map names to assets or archives, an asset must hold text, a path or a URI.
 * Returns the first problem as the engine words it, or undefined when the value round-trips.
 */
export function unmarshalProblem(value: unknown, at = ""): string | undefined {
  const within = (entries: [string, unknown][]) => entries.map(([k, v]) => unmarshalProblem(v, k)).find((p) => p !== undefined);
  if (Array.isArray(value)) return within(value.map((v, i) => [`${at}[${i}]`, v]));
  if (!isObject(value)) return undefined;
  if (value[SIG] === ASSET) {
    return ["text", "path", "uri"].some((k) => typeof value[k] === "string")
      ? undefined
      : `${at}: asset is missing one of text, path or uri`;
  }
  if (value[SIG] !== ARCHIVE) return within(Object.entries(value).map(([k, v]) => [at ? `${at}.${k}` : k, v]));
  if (!("assets" in value)) {
    return typeof value.path === "string" || typeof value.uri === "string" ? undefined : `${at}: archive has no assets, path or uri`;
  }
  if (!isObject(value.assets)) return `${at}: unexpected archive contents (assets is ${JSON.stringify(value.assets)})`;
  const notAsset = Object.keys(value.assets).find((name) => ![ASSET, ARCHIVE].includes(value.assets[name]?.[SIG]));
  if (notAsset !== undefined) return `${at}.assets.${notAsset}: unexpected archive contents (not an asset or archive)`;
  return within(Object.entries(value.assets).map(([name, a]) => [`${at}.assets.${name}`, a]));
}
