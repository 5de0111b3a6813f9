// A squid of our own for the proxy tests: a real forward proxy, as on a self-hosted runner behind
// a corporate proxy, with its own config, hosts file, logs and port in a temporary folder. It
// resolves api.coreclaw.test to 127.0.0.1 and storage.coreclaw.test to 127.0.0.2 through a hosts
// file of its own: names nothing else on the machine knows, so a request that skips the proxy
// fails instead of passing by accident. squid is Debian's package (scripts/tools.js installs it).
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect, createServer } from 'node:net'
import * as path from 'node:path'
import { findTool, missingTool, SQUID_AUTH_HELPERS } from '../scripts/tools.js'

/**
 * Starts squid on a free loopback port.
 * @param {{ user?: string, password?: string }} [auth] the credentials it requires, if any
 */
export async function startSquid(auth) {
  const squid = findTool('squid')
  if (!squid) throw new Error(missingTool('squid'))
  // Its own, not makeTempDir's: the tests remove those after each test, and squid outlives one.
  const dir = mkdtempSync(path.join(tmpdir(), 'coreclaw-squid-'))
  // squid started as root drops to its own user, which must write the logs and pid file here.
  chmodSync(dir, 0o777)
  const port = await freePort()
  const file = (/** @type {string} */ name) => path.join(dir, name)
  writeFileSync(file('hosts'), '127.0.0.1 api.coreclaw.test\n127.0.0.2 storage.coreclaw.test\n')
  if (auth) {
    const hash = execFileSync('openssl', ['passwd', '-apr1', auth.password ?? ''])
      .toString()
      .trim()
    writeFileSync(file('passwd'), `${auth.user}:${hash}\n`)
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
            `auth_param basic program ${SQUID_AUTH_HELPERS.find(existsSync)} ${file('passwd')}`,
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
  const child = spawn(squid, ['-N', '-f', file('squid.conf')], { stdio: 'ignore' })
  for (let i = 0; !(await canConnect(port)); i++) {
    if (i === 100 || child.exitCode !== null) throw new Error(`squid did not start: ${readIfThere(file('cache.log'))}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return {
    url: `http://127.0.0.1:${port}`,
    /** The proxy URL with credentials in it, as a user would set HTTPS_PROXY. @param {string} password */
    urlWith: password => `http://${auth?.user}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    /** squid's access log so far: one line per request, CONNECTs with their host:port. */
    log: () => readIfThere(file('access.log')),
    /** Waited for: squid writes its logs until it is gone, and its folder is removed after. */
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A port free on loopback now, for a server whose URL must be known before it starts. */
export function freePort() {
  return new Promise(resolve => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function readIfThere(/** @type {string} */ file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

function canConnect(/** @type {number} */ port) {
  return new Promise(resolve => {
    const probe = connect(port, '127.0.0.1')
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
}
