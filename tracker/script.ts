/**
 * The tracker's own script tag and its `data-` attributes (docs/tracker.md). `currentScript` is
 * only set while the script first runs, so it is read once, here.
 */
export const script = document.currentScript as HTMLScriptElement | null;
export const attr = (name: string) => script?.getAttribute(`data-${name}`);
