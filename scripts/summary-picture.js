// `node scripts/summary-picture.js`: makes the README's pictures of the job summary, docs/summary.png
// (the demo's story: start a run, export it) and docs/summary-changes.png (a scheduled export
// compared with the previous one). It runs the bundled action against the sandbox, renders the
// summary the way GitHub does (cmark-gfm with GitHub's extensions, styled by github-markdown-css)
// and photographs it with headless Chromium. Not part of CI: it needs Debian's cmark-gfm and
// chromium packages, and its output is committed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { DEMO_WORKER, SAMPLE_ROWS, startSandbox } from '../sandbox/coreclaw.js'
import { makeTempDir, removeTempDirs, ROOT, runAction } from '../sandbox/runner.js'

const WIDTH = 900

/** Each picture: the steps that make its summary (the last one's is photographed), and its height. */
const PICTURES = {
  'summary.png': {
    height: 560,
    steps: () => [
      {
        'run-id': 'new',
        'worker-id': DEMO_WORKER.id,
        input: '{"parameters": {"custom": {"keywords": ["coffee"], "base_location": "New York,USA", "max_results": 3}}}'
      }
    ]
  },
  'summary-changes.png': {
    height: 720,
    steps: () => [
      { 'run-id': 'YESTERDAY', path: 'data/places.csv' },
      { 'run-id': 'TODAY', path: 'data/places.csv', 'key-fields': 'title' }
    ]
  }
}

/** Yesterday's scrape, and today's: one place closed, one opened, one rating and review count moved. */
const YESTERDAY = [
  ...SAMPLE_ROWS,
  { title: 'Kaffee Klatsch', address: '9 Oranienstr., Berlin', rating: 4.1, reviews: 88 }
]
const TODAY = [
  { ...SAMPLE_ROWS[0], rating: 4.7, reviews: 2403 },
  SAMPLE_ROWS[1],
  SAMPLE_ROWS[2],
  { title: 'Café Tortoni', address: 'Av. de Mayo 825, Buenos Aires', rating: 4.5, reviews: 1204 }
]

for (const [name, picture] of Object.entries(PICTURES)) {
  const sandbox = await startSandbox({
    runDurationMs: 1500,
    runs: [
      { slug: 'YESTERDAY', rows: YESTERDAY },
      { slug: 'TODAY', rows: TODAY }
    ]
  })
  let summary
  try {
    const workspace = makeTempDir('coreclaw-picture-workspace-')
    for (const inputs of picture.steps(sandbox)) {
      const result = await runAction({
        inputs: { 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl, ...inputs },
        workspace
      })
      if (result.code !== 0) throw new Error(`the action failed:\n${result.stdout}`)
      summary = result.summary
    }
  } finally {
    await sandbox.close()
    removeTempDirs()
  }
  photograph(summary, path.join(ROOT, 'docs', name), picture.height)
}

function photograph(summary, out, height) {
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
        `--window-size=${WIDTH},${height}`,
        `--screenshot=${out}`,
        pathToFileURL(html).href
      ],
      { stdio: 'ignore' }
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  console.log(`wrote ${path.relative(ROOT, out)} (${WIDTH}×${height})`)
}
