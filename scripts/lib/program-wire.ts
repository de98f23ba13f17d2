/**
 * Property values in the engine's wire form (Struct JSON) as it marshals them for an analyzer
 * (analyzer_plugin.go: KeepUnknowns and KeepSecrets, no KeepResources): unknowns stay the sentinel,
 * secrets keep their signature, assets and archives carry only their contents, and a resource
 * reference becomes its id (or URN without one). Also the engine's check of what an analyzer answers.
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
const mapValues = (value: Record<string, any>, fn: (v: any) => Json, drop = (_key: string) => false) =>
  Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (drop(k) ? [] : [[k, fn(v)]])));

/** The engine's form of one value the program (or the mock provider) sent. */
export function engineValue(value: unknown): Json {
  if (Array.isArray(value)) return value.map(engineValue);
  if (!isObject(value)) return value as Json;
  switch (value[SIG]) {
    case ASSET:
    case ARCHIVE:
      // The SDK also sends its own marker keys (`__pulumiArchive: true`); the engine keeps only the contents.
      return mapValues(value, engineValue, (key) => key.startsWith("__pulumi"));
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
  return isObject(value) ? mapValues(value, plainValue, (key) => key === SIG && value[SIG] !== SECRET) : value;
}

/**
 * The first property the engine could not unmarshal from what an analyzer handed back (a remediation),
 * found by the SDK's own unmarshaller, which rejects the same asset and archive shapes the engine does.
 */
export function unmarshalProblem(props: WireMap): string | undefined {
  for (const [key, value] of Object.entries(props)) {
    try {
      pulumi.runtime.deserializeProperty(value);
    } catch (error) {
      return `${key}: ${(error as Error).message}`;
    }
  }
  return undefined;
}
