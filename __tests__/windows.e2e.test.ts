// WINDOWS ONLY: these run on GitHub's windows-latest runners (the CI workflow's test job), and are
// skipped everywhere else, .ci/run included. What can be simulated on Linux is unit-tested in
// replace-file.test.ts and destination.test.ts.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { errorLine, filesIn, RUN, sandboxWithRun, type Sandbox } from './helpers.js'

const describeWindows = process.platform === 'win32' ? describe : describe.skip

let sandbox: Sandbox
let step: Awaited<ReturnType<typeof sandboxWithRun>>['step']

describeWindows('Windows runners', () => {
  beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
  afterEach(() => sandbox.close())

  test('a read-only destination: the rename is retried for about 10 s, then a clear error; the file is kept', async () => {
    const first = await step()
    const file = path.join(first.workspace, `${RUN}.csv`)
    writeFileSync(file, 'yesterday')
    chmodSync(file, 0o444)
    try {
      const result = await step({}, first.workspace)
      expect(result.code).toBe(1)
      expect(errorLine(result)).toContain(`Windows would not replace ${file}`)
      expect(errorLine(result)).toContain('another program has it open, or it is read-only')
      expect(result.elapsedMs).toBeGreaterThan(5000)
      expect(readFileSync(file, 'utf8')).toBe('yesterday')
      expect(filesIn(first.workspace)).toEqual([`${RUN}.csv`])
    } finally {
      chmodSync(file, 0o666)
    }
  })

  test('a destination released during the retries is replaced', async () => {
    const first = await step()
    const file = path.join(first.workspace, `${RUN}.csv`)
    writeFileSync(file, 'yesterday')
    chmodSync(file, 0o444)
    setTimeout(() => chmodSync(file, 0o666), 1500)
    const result = await step({}, first.workspace)
    expect(result.code).toBe(0)
    expect(readFileSync(file)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  })

  test("a drive root is a folder: the file lands at the root of the workspace's drive", async () => {
    const first = await step()
    const root = path.parse(first.workspace).root
    const file = path.join(root, `${RUN}.csv`)
    try {
      const result = await step({ path: root }, first.workspace)
      expect(result.code).toBe(0)
      expect(result.outputs.path).toBe(file)
      expect(existsSync(file)).toBe(true)
    } finally {
      rmSync(file, { force: true })
    }
  })

  test.each(['nul.csv', 'CON.csv', 'data.'])('path %s is refused before any request', async name => {
    const result = await step({ path: name })
    expect(errorLine(result)).toContain("has a name Windows can't open")
    expect(sandbox.requests).toEqual([])
  })
})
