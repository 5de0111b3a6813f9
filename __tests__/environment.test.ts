import { proxySpellingWarnings } from '../src/environment.js'

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
