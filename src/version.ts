/**
 * The version lives in package.json alone; the bundle inlines it (ncc bundles the JSON import, and
 * only `version` of it is used).
 */
import packageJson from '../package.json' with { type: 'json' }

export const VERSION: string = packageJson.version
export const USER_AGENT = `coreclaw-export-action/${VERSION} node/${process.versions.node}`
