/** Kept equal to package.json's version by a test. */
export const VERSION = '1.3.0'
export const USER_AGENT = `coreclaw-export-action/${VERSION} node/${process.versions.node}`
