// `node scripts/summary-picture.js`: makes docs/summary.png, the README's picture of the job
// summary. It runs the bundled action against the sandbox (the demo's story: start a run, export
// it), renders the summary the way GitHub does (cmark-gfm with GitHub's extensions, styled by
// github-markdown-css) and photographs it with headless Chromium. Not part of CI: it needs
// Debian's cmark-gfm and chromium packages, and its output is committed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { removeTempDirs, ROOT, runAction } from '../sandbox/runner.js'

const OUT = path.join(ROOT, 'docs/summary.png')
const WIDTH = 900
const HEIGHT = Number(process.argv[2] ?? 760)

const sandbox = await startSandbox({ runDurationMs: 1500 })
let summary
try {
  const result = await runAction({
    inputs: {
      'run-id': 'new',
      'worker-id': DEMO_WORKER.id,
      input: '{"parameters": {"custom": {"keywords": ["coffee"], "base_location": "New York,USA", "max_results": 3}}}',
      'api-key': sandbox.apiKey,
      'base-url': sandbox.apiUrl
    }
  })
  if (result.code !== 0) throw new Error(`the action failed:\n${result.stdout}`)
  summary = result.summary
} finally {
  await sandbox.close()
  removeTempDirs()
}

// Raw HTML kept: GitHub keeps the summary's <details> block (and sanitizes the rest, which the summary never needs).
const body = execFileSync(
  'cmark-gfm',
  ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter'],
  {
    input: summary,
    encoding: 'utf8'
  }
)
const css = readFileSync(
  createRequire(import.meta.url).resolve('github-markdown-css/github-markdown-light.css'),
  'utf8'
)
const page = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; width: ${WIDTH}px; padding: 24px 32px; font-size: 14px; }
</style></head><body><article class="markdown-body">${body}</article></body></html>`

const work = mkdtempSync(path.join(tmpdir(), 'coreclaw-picture-'))
try {
  const html = path.join(work, 'summary.html')
  writeFileSync(html, page)
  execFileSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      `--user-data-dir=${path.join(work, 'profile')}`,
      '--hide-scrollbars',
      `--window-size=${WIDTH},${HEIGHT}`,
      `--screenshot=${OUT}`,
      pathToFileURL(html).href
    ],
    { stdio: 'ignore' }
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}
console.log(`wrote ${path.relative(ROOT, OUT)} (${WIDTH}×${HEIGHT}); pass another height as the first argument to fit`)
