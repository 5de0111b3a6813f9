/**
 * What the runner's environment can get wrong without a word. On Linux and macOS,
 * @actions/http-client reads `https_proxy` before `HTTPS_PROXY` (and `no_proxy` before `NO_PROXY`),
 * and self-hosted runners set the lowercase spellings from their own configuration. So a step-level
 * `HTTPS_PROXY` can be silently overridden. (Windows' environment ignores case: one variable.)
 */
const PAIRS = [
  ['https_proxy', 'HTTPS_PROXY'],
  ['http_proxy', 'HTTP_PROXY'],
  ['no_proxy', 'NO_PROXY']
] as const

/** A warning for each pair whose spellings are both set and differ. Values are never shown: they can hold credentials. */
export function proxySpellingWarnings(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (platform === 'win32') return []
  return PAIRS.filter(([lower, upper]) => env[lower] && env[upper] && env[lower] !== env[upper]).map(
    ([lower, upper]) =>
      `${lower} and ${upper} are both set, to different values; ${lower} is the one used. Set both spellings to the same value (in the step's env) to be sure which applies.`
  )
}

/**
 * `tunnel`, which http-client uses for proxies, calls the deprecated `Buffer()` when the proxy URL
 * has credentials, and Node prints DEP0005 into the user's log for it. The user can do nothing
 * about a bundled dependency's deprecation, so the step drops that one warning. Every other
 * warning, other deprecations included, still prints.
 */
export function quietDependencies(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void
  process.emitWarning = ((...args: unknown[]) => {
    if (warningCode(args) === QUIETED) return
    emit(...args)
  }) as typeof process.emitWarning
}

/** Node's deprecation of `Buffer()`, which only `tunnel` calls. */
const QUIETED = 'DEP0005'

/** A warning's code: `emitWarning(warning, type, code)` or `emitWarning(warning, { code })`. */
export function warningCode([, second, third]: unknown[]): unknown {
  return second !== null && typeof second === 'object' ? (second as { code?: unknown }).code : third
}
