// `npm run test:proxy`: the bundled action through a real forward proxy, squid, as on a self-hosted
// runner behind a corporate proxy. Not part of `npm test` (it needs squid: `apt-get install squid`
// on Debian and Ubuntu); without squid it says so and skips, and .ci/run installs squid and
// requires it (REQUIRE_TOOLS=1).
//
// The sandbox is addressed as api.coreclaw.test (HTTP) and storage.coreclaw.test (HTTPS, the
// sandbox's test certificate): names that only squid resolves, through a hosts_file of its own that
// maps them to loopback. @actions/http-client never proxies loopback names, and nothing else on the
// machine knows these, so a request that skips the proxy fails instead of passing by accident.
// Prints TAP-like lines and ends with "N passed, N failed".
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import * as path from 'node:path'
import { SANDBOX_CA, startSandbox } from '../sandbox/coreclaw.js'
import { makeTempDir, removeTempDirs, runAction } from '../sandbox/runner.js'
import { findTool, missingToolLine, toolsRequired } from './tools.js'

const SQUID = findTool('squid')
const NCSA = ['/usr/lib/squid/basic_ncsa_auth', '/usr/lib64/squid/basic_ncsa_auth'].find(existsSync)
const RUN = '01KKDXV2G26BT7NH4ZQR2R4NPZ'
const USER = 'runner'
const PASSWORD = 's3cret-proxy-pass'

if (!SQUID || !NCSA) {
  console.log(missingToolLine('squid'))
  // .ci/run requires these tests (REQUIRE_TOOLS=1): a skip there would be a green run that tested nothing.
  console.log(toolsRequired() ? '0 passed, 1 failed' : '0 passed, 0 failed')
  process.exit(toolsRequired() ? 1 : 0)
}

const results = []
const [apiPort, storagePort] = [await freePort(), await freePort()]
// The public names the links carry; only squid can resolve them.
const API = `http://api.coreclaw.test:${apiPort}`
const sandbox = await startSandbox({
  runs: [{ slug: RUN }],
  port: apiPort,
  storagePort,
  storageHost: '127.0.0.2',
  storageTls: true,
  publicApiUrl: API,
  publicStorageUrl: `https://storage.coreclaw.test:${storagePort}`
})
const open = await startSquid({ auth: false })
const guarded = await startSquid({ auth: true })

try {
  await check('the API calls and the HTTPS download go through the proxy', async () => {
    const before = sandbox.requests.length
    const result = await exportVia({ HTTPS_PROXY: open.url, HTTP_PROXY: open.url })
    expectExported(result)
    const log = open.log()
    assert(log.includes(`CONNECT api.coreclaw.test:${apiPort}`), 'squid logged no CONNECT to the API')
    assert(log.includes(`CONNECT storage.coreclaw.test:${storagePort}`), 'squid logged no CONNECT to storage')
    const storage = sandbox.requests.slice(before).filter(r => r.server === 'storage')
    assert(
      storage.length === 1 && storage[0].headers.host === `storage.coreclaw.test:${storagePort}`,
      'storage saw no request by name'
    )
    assert(!JSON.stringify(storage).includes(sandbox.apiKey), 'the storage host received the API key')
  })

  await check('NO_PROXY sends the API around the proxy (here it then cannot resolve the name)', async () => {
    const logged = open.log().length
    const result = await exportVia({ HTTPS_PROXY: open.url, HTTP_PROXY: open.url, NO_PROXY: 'api.coreclaw.test' })
    assert(result.code === 1, `exit code ${result.code}, expected 1`)
    assert(/run detail request failed: (ENOTFOUND|EAI_AGAIN|EAI_FAIL)/.test(result.stdout), 'no name-resolution error')
    assert(!open.log().slice(logged).includes('api.coreclaw.test'), 'squid saw a request for a NO_PROXY host')
  })

  await check('a proxy that needs credentials gets them from the proxy URL', async () => {
    const result = await exportVia({ HTTPS_PROXY: guarded.urlWith(PASSWORD), HTTP_PROXY: guarded.urlWith(PASSWORD) })
    expectExported(result)
    const log = guarded.log()
    assert(new RegExp(` ${USER} HIER_DIRECT/`).test(log), `squid logged no authenticated request:\n${log}`)
    assert(!`${result.stdout}${result.stderr}${result.summary}`.includes(PASSWORD), 'the proxy password was printed')
  })

  await check('wrong proxy credentials fail the step without printing them', async () => {
    const wrong = guarded.urlWith('not-the-password')
    const result = await exportVia({ HTTPS_PROXY: wrong, HTTP_PROXY: wrong, 'INPUT_MAX-ATTEMPTS': '1' })
    assert(result.code === 1, `exit code ${result.code}, expected 1`)
    assert(
      /::error title=CoreClaw export failed::Run \S+: run detail request failed/.test(result.stdout),
      'no error annotation'
    )
    assert(!`${result.stdout}${result.stderr}`.includes('not-the-password'), 'the proxy password was printed')
  })
} finally {
  await Promise.all([open.stop(), guarded.stop()])
  await sandbox.close()
  removeTempDirs()
}

const failed = results.filter(r => !r.ok).length
console.log(`\n${results.length - failed} passed, ${failed} failed`)
process.exitCode = failed ? 1 : 0

function exportVia(env) {
  return runAction({
    inputs: { 'run-id': RUN, 'api-key': sandbox.apiKey, 'base-url': API, 'max-attempts': '2' },
    env: { NODE_EXTRA_CA_CERTS: SANDBOX_CA, ...env }
  })
}

function expectExported(result) {
  assert(result.code === 0, `exit code ${result.code}:\n${result.stdout}${result.stderr}`)
  const expected = sandbox.expectedBytes(RUN, 'csv')
  assert(readFileSync(result.outputs.path).equals(expected), 'the file differs from the export')
}

async function check(name, body) {
  try {
    await body()
    results.push({ ok: true })
    console.log(`ok ${results.length} - ${name}`)
  } catch (error) {
    results.push({ ok: false })
    console.log(`not ok ${results.length} - ${name}\n  ${String(error.message).replace(/\n/g, '\n  ')}`)
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

/** A squid of our own: its own config, hosts file, logs and port, in a temporary folder. */
async function startSquid({ auth }) {
  const dir = makeTempDir('coreclaw-squid-')
  // squid started as root drops to its own user, which must write the logs and pid file here.
  chmodSync(dir, 0o777)
  const port = await freePort()
  const file = name => path.join(dir, name)
  writeFileSync(file('hosts'), '127.0.0.1 api.coreclaw.test\n127.0.0.2 storage.coreclaw.test\n')
  if (auth) {
    const hash = execFileSync('openssl', ['passwd', '-apr1', PASSWORD]).toString().trim()
    writeFileSync(file('passwd'), `${USER}:${hash}\n`)
  }
  writeFileSync(
    file('squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      `pid_filename ${file('squid.pid')}`,
      `access_log stdio:${file('access.log')}`,
      `cache_log ${file('cache.log')}`,
      `coredump_dir ${dir}`,
      `hosts_file ${file('hosts')}`,
      'visible_hostname coreclaw-test-proxy',
      'cache deny all',
      'shutdown_lifetime 0 seconds',
      'pinger_enable off',
      'acl local src 127.0.0.0/8',
      ...(auth
        ? [
            `auth_param basic program ${NCSA} ${file('passwd')}`,
            'auth_param basic realm coreclaw-test',
            'acl authenticated proxy_auth REQUIRED',
            'http_access deny !authenticated'
          ]
        : []),
      'http_access allow local',
      'http_access deny all',
      ''
    ].join('\n')
  )
  writeFileSync(file('access.log'), '')
  chmodSync(file('access.log'), 0o666)
  const child = spawn(SQUID, ['-N', '-f', file('squid.conf')], { stdio: 'ignore' })
  await until(
    () => canConnect(port),
    () => `squid did not start: ${readIfThere(file('cache.log'))}`
  )
  return {
    url: `http://127.0.0.1:${port}`,
    urlWith: password => `http://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    log: () => readIfThere(file('access.log')),
    // Waited for: squid writes its logs until it is gone, and its folder is removed after.
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined)
        child.once('exit', resolve)
        child.kill('SIGKILL')
      })
  }
}

function readIfThere(file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

function freePort() {
  return new Promise(resolve => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function canConnect(port) {
  return new Promise(resolve => {
    const probe = connect(port, '127.0.0.1')
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
}

async function until(condition, describe) {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(describe())
}
