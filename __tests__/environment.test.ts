import { proxySpellingWarnings, quietDependencies } from '../src/environment.js'

test('both spellings set to different values: a warning that names them, never their values', () => {
  const env = { https_proxy: 'http://user:secret@a:3128', HTTPS_PROXY: 'http://b:3128', NO_PROXY: 'x', no_proxy: 'x' }
  const warnings = proxySpellingWarnings(env, 'linux')
  expect(warnings).toEqual([
    "https_proxy and HTTPS_PROXY are both set, to different values; https_proxy is the one used. Set both spellings to the same value (in the step's env) to be sure which applies."
  ])
  expect(warnings.join()).not.toContain('secret')
})

test('one spelling, or both the same: nothing to say; on Windows the environment ignores case', () => {
  expect(proxySpellingWarnings({ HTTPS_PROXY: 'http://b:3128' }, 'linux')).toEqual([])
  expect(proxySpellingWarnings({ http_proxy: 'http://a', HTTP_PROXY: 'http://a' }, 'darwin')).toEqual([])
  expect(proxySpellingWarnings({ https_proxy: 'http://a', HTTPS_PROXY: 'http://b' }, 'win32')).toEqual([])
})

test("quietDependencies drops DEP0005 (tunnel's Buffer()), and only that: other warnings still reach Node", () => {
  // The end-to-end proxy test with credentials sees no DEP0005 in the log; this one, that nothing else goes.
  const real = process.emitWarning
  const reached: unknown[] = []
  process.emitWarning = ((...args: unknown[]) =>
    void reached.push(args[2] ?? (args[1] as { code?: string })?.code)) as typeof process.emitWarning
  try {
    quietDependencies()
    process.emitWarning('Buffer() is deprecated', 'DeprecationWarning', 'DEP0005')
    process.emitWarning('Buffer() is deprecated', { type: 'DeprecationWarning', code: 'DEP0005' })
    process.emitWarning('another deprecation', 'DeprecationWarning', 'DEP0999')
    process.emitWarning('with options', { type: 'DeprecationWarning', code: 'DEP0998' })
    process.emitWarning('a plain warning')
  } finally {
    process.emitWarning = real
  }
  expect(reached).toEqual(['DEP0999', 'DEP0998', undefined])
})
