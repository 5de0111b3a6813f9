// Shared by the end-to-end suites: run the bundle against a sandbox and read what happened.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { execFileSync, spawn } from 'node:child_process'
import { DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { baseEnv, ROOT, runAction } from '../sandbox/runner.js'
import { findTool, missingTool, toolsRequired } from '../scripts/tools.js'

export const RUN = '01KKDXV2G26BT7NH4ZQR2R4NPZ'
export type Sandbox = Awaited<ReturnType<typeof startSandbox>>
export type Step = Awaited<ReturnType<typeof runAction>>

/** A sandbox with one succeeded run, RUN, and a step bound to it: what most end-to-end tests start from. */
export async function sandboxWithRun(): Promise<{ sandbox: Sandbox; step: ReturnType<typeof stepAgainst> }> {
  const sandbox = await startSandbox({ runs: [{ slug: RUN }] })
  return { sandbox, step: stepAgainst(sandbox) }
}

/** The sandbox's routes, in the order they were requested: 'run export download'. */
export const routes = (sandbox: Sandbox) => sandbox.requests.map(r => r.route).join(' ')

/** RUN was exported whole into the workspace, and nothing else: no partial file, no secret shown. */
export function expectExported(sandbox: Sandbox, result: Step): void {
  expect(result.code).toBe(0)
  expect(readFileSync(result.outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'csv'))
  expect(filesIn(result.workspace)).toEqual([`${RUN}.csv`])
  expectSecretsKept(result)
}

export const WORKER = DEMO_WORKER.id
export const WORKER_INPUT = {
  parameters: { custom: { keywords: ['coffee'], base_location: 'New York,USA', max_results: 3 } }
}

/**
 * For `run-id: new`: a sandbox whose runs take 1.5 s unless told otherwise, and `start`, a step
 * that starts a run of the demo worker with WORKER_INPUT, inputs on top.
 */
export async function sandboxForStarts(options: Parameters<typeof startSandbox>[0] = {}) {
  const sandbox = await startSandbox({ runDurationMs: 1500, ...options })
  const start = (inputs: Record<string, string> = {}, workspace?: string): Promise<Step> =>
    runAction({
      inputs: {
        'run-id': 'new',
        'api-key': sandbox.apiKey,
        'base-url': sandbox.apiUrl,
        'worker-id': WORKER,
        input: JSON.stringify(WORKER_INPUT, null, 2),
        ...inputs
      },
      workspace
    })
  return { sandbox, start }
}

/** The runs a step started on the sandbox. */
export const runsCreated = (sandbox: Sandbox) => [...sandbox.runs.values()].filter(run => run.startedAtMs !== undefined)

/** Polls until `condition` holds, for up to 10 s (a step has started writing, a body has arrived). */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise(resolve => setTimeout(resolve, 50))
  if (!condition()) throw new Error('the condition never held')
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** The log lines that announce a retry. */
export const retryLines = (result: Step) =>
  result.stdout.split(/\r?\n/).filter(line => /\(attempt \d+ of \d+\); retrying in/.test(line))

/** Runs the bundled action against `sandbox` with the given inputs on top of a working set. */
export function stepAgainst(sandbox: Sandbox) {
  return (inputs: Record<string, string> = {}, workspace?: string, env?: Record<string, string>) =>
    runAction({
      inputs: { 'run-id': RUN, 'api-key': sandbox.apiKey, 'base-url': sandbox.apiUrl, ...inputs },
      workspace,
      env
    })
}

/** The `::error` annotation line of a step, or ''. */
export const errorLine = (result: Step) => result.stdout.split(/\r?\n/).find(line => line.startsWith('::error')) ?? ''

/** Every file in a folder tree, so that a stray partial file can't hide. */
export const filesIn = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort()

/** The key is on the add-mask line and nowhere else; no URL signature or token is logged. */
export function expectSecretsKept(result: Step): void {
  const key = result.env['INPUT_API-KEY']
  const everything = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)].join('\n')
  const mentions = everything.split(/\r?\n/).filter(line => line.includes(key))
  expect(mentions).toEqual([`::add-mask::${key}`])
  expect(`${result.stdout}${result.stderr}${result.summary}`).not.toMatch(/q-signature|token=/)
}

/**
 * `test` for a test that renders the summary with cmark-gfm: skipped where cmark-gfm is missing
 * (a laptop with nothing but Node), and the run's last lines say so (missing-tools-reporter.js).
 * With REQUIRE_TOOLS=1 (.ci/run) it always runs, and fails saying what is missing.
 */
export const withCmark: typeof test.skip = findTool('cmark-gfm') || toolsRequired() ? test : test.skip

/**
 * The job summary rendered the way GitHub renders it: cmark-gfm, GitHub's reference renderer, with
 * GitHub's extensions (tables, extended autolinks, strikethrough, the tag filter), raw HTML kept
 * (to see what it would do). cmark-gfm is Debian's package of that name (Homebrew's too); .ci/run
 * installs it. Only tests declared with `withCmark` call this.
 */
export function renderedSummary(summary: string): string {
  try {
    return execFileSync(
      'cmark-gfm',
      ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter'],
      { input: summary, encoding: 'utf8' }
    )
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    throw new Error(missingTool('cmark-gfm'), { cause: error })
  }
}

/** Each table cell of the rendered summary as HTML, exactly as cmark-gfm wrote it. */
export function summaryCellsHtml(summary: string): string[] {
  return [...renderedSummary(summary).matchAll(/<(td|th)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/g)].map(([, , cell]) => cell)
}

/** Each table cell of the rendered summary, as the text a reader sees (our word joiners removed). */
export function summaryCells(summary: string): string[] {
  return summaryCellsHtml(summary).map(cell => decoded(cell).trim())
}

/** The summary's first line in bold: its verdict. */
export const verdictOf = (summary: string) =>
  summary.split('\n').find(line => line.startsWith('**') && !line.startsWith('**Empty export**')) ?? ''

/** The Markdown of the summary's fact `name`: its line "- **name**: value". */
export function summaryFact(summary: string, name: string): string | undefined {
  return summary
    .split('\n')
    .find(line => line.startsWith(`- **${name}**: `))
    ?.slice(`- **${name}**: `.length)
}

/**
 * The text a reader sees after a bold label: a fact ("- **Run**: …") or a paragraph ("**Failed:** …"),
 * rendered by cmark-gfm, tags removed and entities decoded.
 */
export function summaryText(summary: string, label: string): string | undefined {
  const html = renderedSummary(summary)
  const at = html.indexOf(`<strong>${label}</strong>`)
  if (at < 0) return undefined
  const end = html.slice(at).search(/<\/(li|p)>/)
  return decoded(html.slice(at + `<strong>${label}</strong>`.length, at + end).replace(/<[^>]*>/g, ''))
    .replace(/^:/, '')
    .trim()
}

function decoded(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\u2060/g, '')
}

/** `node sandbox/serve.js` on free ports, once it says it listens. */
export async function startServe(args: string[] = []) {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'sandbox/serve.js'), '--port', '0', '--storage-port', '0', ...args],
    {
      env: baseEnv(),
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  await new Promise<void>(resolve =>
    child.stdout.on('data', chunk => {
      stdout += chunk
      if (stdout.includes('Ctrl-C to stop.')) resolve()
    })
  )
  return {
    stdout,
    apiUrl: /^ {2}API \(base-url\) +(\S+)$/m.exec(stdout)?.[1] ?? '',
    stop: () => {
      child.kill('SIGINT')
      return new Promise(resolve => child.once('close', resolve))
    }
  }
}
