// The step's side of a comparison: a file that fails to be read is a notice, never a failed export.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { compareWithEarlier } from '../src/compare.js'
import type { Log } from '../src/log.js'
import { STEP_INPUTS } from '../src/log.js'

test('an earlier file gone by the time it is read: a notice that says so, and no comparison', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coreclaw-compare-'))
  try {
    writeFileSync(path.join(dir, 'now.csv'), 'a\n1\n')
    const notices: string[] = []
    const log = { info: () => undefined, notice: (message: string) => notices.push(message), say: STEP_INPUTS }
    const result = await compareWithEarlier(
      { earlier: { file: path.join(dir, 'gone.csv'), shown: 'cache/gone.csv' }, keyFields: [] },
      { destination: path.join(dir, 'out.csv'), temporary: path.join(dir, 'now.csv'), sha256: 'x', format: 'csv' },
      { workspace: dir, log: log as unknown as Log }
    )
    expect(result).toBeUndefined()
    expect(notices).toEqual([
      expect.stringMatching(/^The export could not be compared with cache\/gone\.csv \(it failed \(ENOENT/)
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
