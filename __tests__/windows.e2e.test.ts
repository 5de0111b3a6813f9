// The action on Windows: natively on GitHub's windows-latest runners (the CI workflow's test job),
// and on Linux under Wine with Windows Node (`npm run test:windows`, which .ci/run runs). Skipped
// by a plain `npm test` on Linux and macOS. What can be simulated without Windows is unit-tested in
// replace-file.test.ts and destination.test.ts. The test sees its own paths; `host.toWindows` is
// what the action sees (Z:\…, W:\… under Wine).
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { makeTempDir } from '../sandbox/runner.js'
import { holdWithoutSharing, windowsNode, type WindowsNode } from '../sandbox/windows.js'
import { errorLine, filesIn, RUN, sandboxWithRun, type Sandbox } from './helpers.js'

const host = windowsNode() as WindowsNode
const describeWindows = host ? describe : describe.skip
const exfat = process.env.WINDOWS_EXFAT_DIR
const describeExfat = host && exfat ? describe : describe.skip
// Wine replaces a read-only file as Linux's rename does: only Windows refuses.
const testOnRealWindows = host && !host.wine ? test : test.skip

let sandbox: Sandbox
let step: Awaited<ReturnType<typeof sandboxWithRun>>['step']
beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

/** A workspace holding yesterday's export of RUN. */
async function workspaceWithYesterday(): Promise<{ workspace: string; file: string }> {
  const workspace = makeTempDir('coreclaw-workspace-')
  const file = path.join(workspace, `${RUN}.csv`)
  writeFileSync(file, 'yesterday')
  return { workspace, file }
}

describeWindows('Windows: a destination another program holds', () => {
  test('held open with no sharing (as Excel does): the rename is retried for about 10 s, then a clear error; the file is kept', async () => {
    const { workspace, file } = await workspaceWithYesterday()
    const holder = await holdWithoutSharing(host, file)
    let result
    try {
      result = await step({}, workspace)
    } finally {
      await holder.release()
    }
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(`Windows would not replace ${host.toWindows(file)}`)
    expect(errorLine(result)).toContain('another program has it open, or it is read-only')
    expect(result.elapsedMs).toBeGreaterThan(5000)
    expect(readFileSync(file, 'utf8')).toBe('yesterday')
    expect(filesIn(workspace)).toEqual([`${RUN}.csv`])
  })

  test('released during the retries: the new export replaces it', async () => {
    const { workspace, file } = await workspaceWithYesterday()
    const holder = await holdWithoutSharing(host, file)
    const released = new Promise(resolve => setTimeout(resolve, 1500)).then(() => holder.release())
    const result = await step({}, workspace)
    await released
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('::error')
    expect(readFileSync(file)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
    expect(filesIn(workspace)).toEqual([`${RUN}.csv`])
  })

  testOnRealWindows('read-only: retried, then the same clear error; the file is kept', async () => {
    const { workspace, file } = await workspaceWithYesterday()
    chmodSync(file, 0o444)
    try {
      const result = await step({}, workspace)
      expect(result.code).toBe(1)
      expect(errorLine(result)).toContain(`Windows would not replace ${host.toWindows(file)}`)
      expect(readFileSync(file, 'utf8')).toBe('yesterday')
      expect(filesIn(workspace)).toEqual([`${RUN}.csv`])
    } finally {
      chmodSync(file, 0o666)
    }
  })
})

describeWindows('Windows paths', () => {
  test('the path output is a Windows path: drive letter, backslashes, whichever separator the input used', async () => {
    const first = await step({ path: 'exports/daily/' })
    expect(first.code).toBe(0)
    expect(first.outputs.path).toBe(host.toWindows(path.join(first.workspace, 'exports', 'daily', `${RUN}.csv`)))
    expect(first.outputs.path).toMatch(/^[A-Z]:\\[^/]+$/)

    const second = await step({ path: 'exports\\latest.csv' }, first.workspace)
    expect(second.code).toBe(0)
    expect(second.outputs.path).toBe(host.toWindows(path.join(first.workspace, 'exports', 'latest.csv')))
    expect(readFileSync(path.join(first.workspace, 'exports', 'latest.csv'))).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })

  test('a workspace whose path has spaces and letters beyond ASCII', async () => {
    const workspace = makeTempDir('coreclaw-données été ☃ ')
    const result = await step({}, workspace)
    expect(result.code).toBe(0)
    expect(result.outputs.path).toBe(host.toWindows(path.join(workspace, `${RUN}.csv`)))
    expect(readFileSync(path.join(workspace, `${RUN}.csv`))).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })

  test("a drive root is a folder: the file lands at the root of the workspace's drive", async () => {
    const workspace = makeTempDir('coreclaw-workspace-')
    const root = path.win32.parse(host.toWindows(workspace)).root
    expect(root).toMatch(/^[A-Z]:\\$/)
    const file = host.fromWindows(`${root}${RUN}.csv`)
    try {
      const result = await step({ path: root }, workspace)
      expect(result.code).toBe(0)
      expect(result.outputs.path).toBe(`${root}${RUN}.csv`)
      expect(readFileSync(file)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
    } finally {
      rmSync(file, { force: true })
    }
  })

  test.each(['nul.csv', 'CON.csv', 'com1.json', 'exports/aux/data.csv', 'data.', 'exports /data.csv'])(
    'path %j is refused before any request',
    async name => {
      const result = await step({ path: name })
      expect(result.code).toBe(1)
      expect(errorLine(result)).toContain("has a name Windows can't open")
      expect(sandbox.requests).toEqual([])
      expect(filesIn(result.workspace)).toEqual([])
    }
  )
})

describeExfat('Windows: overwrite: false on exFAT, a file system without hard links', () => {
  let workspace: string
  beforeEach(() => {
    workspace = mkdtempSync(path.join(exfat as string, 'coreclaw-workspace-'))
    // The fallback is what is under test: this volume must refuse the hard link the action tries first.
    writeFileSync(path.join(workspace, 'probe'), '')
    expect(() => linkSync(path.join(workspace, 'probe'), path.join(workspace, 'probe-link'))).toThrow()
    rmSync(path.join(workspace, 'probe'))
  })
  afterEach(() => rmSync(workspace, { recursive: true, force: true }))

  test('a new file lands whole, by claiming the name and renaming over its own placeholder', async () => {
    const result = await step({ overwrite: 'false', path: 'out/' }, workspace)
    expect(result.code).toBe(0)
    expect(result.outputs.path).toBe(host.toWindows(path.join(workspace, 'out', `${RUN}.csv`)))
    expect(readFileSync(path.join(workspace, 'out', `${RUN}.csv`))).toEqual(sandbox.expectedBytes(RUN, 'csv'))
    expect(filesIn(workspace)).toEqual([path.join('out', `${RUN}.csv`)])
  })

  test('a file that appears at the name during the download is kept, and the step says so', async () => {
    const size = sandbox.expectedBytes(RUN, 'csv').length
    sandbox.fail('download', { trickleMs: 100, trickleBytes: Math.ceil(size / 20) })
    const destination = path.join(workspace, 'out', `${RUN}.csv`)
    mkdirSync(path.dirname(destination))
    let ended = false
    const running = step({ overwrite: 'false', path: 'out/' }, workspace).finally(() => (ended = true))
    while (!ended && !sandbox.requests.some(request => request.route === 'download')) {
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    writeFileSync(destination, 'written by another step meanwhile')
    const result = await running
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain(host.toWindows(destination))
    expect(errorLine(result)).toContain('already exists')
    expect(readFileSync(destination, 'utf8')).toBe('written by another step meanwhile')
    expect(filesIn(workspace)).toEqual([path.join('out', `${RUN}.csv`)])
  })
})
