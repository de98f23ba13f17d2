// Remediations return the whole input object, and @pulumi/policy 1.21 serialises an AssetArchive
// in it as a list of asset names (deserialize.js, serializeProperty), which the engine cannot read
// ("unexpected archive contents") — a remediated Lambda would lose its code. So before a
// remediation returns, every asset and archive is replaced by its wire form as a plain object,
// which the serialiser copies key by key and the engine reads as the original archive.
import * as pulumi from "@pulumi/pulumi";
import type { Props } from "./resources";

const SIG = pulumi.runtime.specialSigKey;

/**
 * The value behind the server's proxies: a property descriptor bypasses a Proxy's `get` trap (the
 * unknown-checking and secret proxies define none other), so this reads the stored value itself.
 */
function rawProperty(holder: object, key: string): any {
  return Object.getOwnPropertyDescriptor(holder, key)?.value;
}

async function assetWire(asset: object): Promise<Props> {
  const wire: Props = { [SIG]: pulumi.runtime.specialAssetSig };
  for (const key of ["text", "path", "uri"]) {
    const value = await rawProperty(asset, key);
    if (typeof value === "string") wire[key] = value;
  }
  return wire;
}

async function archiveWire(archive: object): Promise<Props> {
  const assets = await rawProperty(archive, "assets");
  if (assets && typeof assets === "object") {
    const entries = await Promise.all(Object.keys(assets).map(async (name) => [name, await wireValue(rawProperty(assets, name))]));
    return { [SIG]: pulumi.runtime.specialArchiveSig, assets: Object.fromEntries(entries) };
  }
  const wire: Props = { [SIG]: pulumi.runtime.specialArchiveSig };
  for (const key of ["path", "uri"]) {
    const value = await rawProperty(archive, key);
    if (typeof value === "string") wire[key] = value;
  }
  return wire;
}

async function wireValue(value: any): Promise<any> {
  if (pulumi.asset.Archive.isInstance(value)) return archiveWire(value);
  if (pulumi.asset.Asset.isInstance(value)) return assetWire(value);
  return value;
}

/** `props` with every top-level asset or archive (Lambda `code`, layers' `code`) in wire form. */
export async function keepArchives(props: Props): Promise<Props> {
  for (const key of Object.keys(props)) {
    const value = rawProperty(props, key);
    if (pulumi.asset.Archive.isInstance(value) || pulumi.asset.Asset.isInstance(value)) {
      props[key] = await wireValue(value);
    }
  }
  return props;
}
