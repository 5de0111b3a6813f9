// Runs the bundled action the way the GitHub Actions runner does: `node dist/index.js` with
// cwd = the workspace, every input as INPUT_<NAME> (hyphens kept) with action.yml's defaults
// filled in, and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_ENV / GITHUB_PATH /
// GITHUB_STATE files. Shared by the end-to-end tests, the demo and the benchmark.
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { unintendedCommands } from './runner-commands.js'
import { windowsNode } from './windows.js'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Every temporary folder made for a step, until `removeTempDirs`. */
const tempDirs = new Set()

/** A new temporary folder, removed by the next `removeTempDirs`. @param {string} prefix */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

/** Removes every folder `makeTempDir` made: workspaces, and runner files that hold signed URLs. */
export function removeTempDirs() {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

/** action.yml's inputs and their defaults, as the runner reads them. */
export function actionDefaults() {
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
  return Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? '']))
}

/**
 * Builds the environment and files of one step.
 * @param {{ inputs: Record<string, string>, workspace?: string, env?: Record<string, string> }} step
 * @returns {{ workspace: string, files: Record<string, string>, env: Record<string, string>,
 *   outputs: () => Record<string, string>, summary: () => string }}
 */
export function prepareStep({ inputs, workspace, env = {} }) {
  const runnerDir = makeTempDir('coreclaw-runner-')
  const work = workspace ?? makeTempDir('coreclaw-workspace-')
  /** @type {Record<string, string>} */
  const files = {}
  for (const name of ['OUTPUT', 'STEP_SUMMARY', 'ENV', 'PATH', 'STATE']) {
    files[name] = path.join(runnerDir, `${name.toLowerCase()}.txt`)
    writeFileSync(files[name], '')
  }
  const given = { ...actionDefaults(), ...inputs }
  const inputEnv = Object.fromEntries(
    Object.entries(given).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
  )
  const base = baseEnv()
  return {
    workspace: work,
    files,
    env: {
      ...base,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: work,
      RUNNER_TEMP: runnerDir,
      ...Object.fromEntries(Object.entries(files).map(([name, file]) => [`GITHUB_${name}`, file])),
      ...inputEnv,
      ...env
    },
    outputs: () => parseOutputs(readFileSync(files.OUTPUT, 'utf8')),
    summary: () => readFileSync(files.STEP_SUMMARY, 'utf8')
  }
}

/**
 * @typedef {{ code: number | null, stdout: string, stderr: string, elapsedMs: number, workspace: string,
 *   env: Record<string, string>, outputs: Record<string, string>, summary: string }} StepResult
 */

/**
 * The variables every process needs to start on this OS, and nothing from the developer's shell:
 * a proxy or a CoreClaw key set there must not leak into a test.
 * @returns {Record<string, string>}
 */
export function baseEnv() {
  const names = ['PATH', 'HOME', 'SystemRoot', 'TEMP', 'TMP', 'TMPDIR', 'USERPROFILE']
  return Object.fromEntries(names.filter(name => process.env[name]).map(name => [name, String(process.env[name])]))
}

/**
 * @typedef {{ inputs: Record<string, string>, workspace?: string, env?: Record<string, string>,
 *   node?: string, entry?: string, fileSizeLimitKb?: number }} StepSpec
 *   fileSizeLimitKb: run under bash's `ulimit -f`, like a runner with a full disk.
 */

/**
 * Runs one step to its end.
 * @param {StepSpec} step
 * @returns {Promise<StepResult>}
 */
export async function runAction(step) {
  return startAction(step).result
}

/**
 * Starts one step and hands over its process, for tests that signal it while it runs.
 * @param {StepSpec} step
 * @returns {{ child: import('node:child_process').ChildProcess, result: Promise<StepResult & { signal: string | null }> }}
 */
export function startAction(step) {
  const prepared = prepareStep(step)
  const node = step.node ?? process.env.ACTION_NODE ?? process.execPath
  // ACTION_ENTRY runs another build (a release's dist/index.js) through the same tests: before → after.
  const entry = path.resolve(ROOT, step.entry ?? process.env.ACTION_ENTRY ?? 'dist/index.js')
  const wine = step.node === undefined ? underWine() : undefined
  const [command, args] = wine
    ? [wine.command, [...wine.args, wine.toWindows(entry)]]
    : step.fileSizeLimitKb === undefined
      ? [node, [entry]]
      : // bash, not sh: dash drops variables such as INPUT_API-KEY whose names have a hyphen.
        ['bash', ['-c', `ulimit -f ${step.fileSizeLimitKb} && exec "$0" "$1"`, node, entry]]
  const started = Date.now()
  const { child, result } = wine
    ? spawnUnderWine(
        command,
        args,
        { cwd: prepared.workspace, env: wineEnv(prepared.env, wine) },
        prepared.files.OUTPUT
      )
    : spawnProcess(command, args, { cwd: prepared.workspace, env: prepared.env })
  return {
    child,
    result: result.then(({ code, signal, stdout, stderr }) => {
      expectOnlyIntendedCommands({ stdout, stderr }, prepared.env['INPUT_API-KEY'])
      return {
        code,
        signal,
        stdout,
        stderr,
        elapsedMs: Date.now() - started,
        workspace: prepared.workspace,
        env: prepared.env,
        outputs: prepared.outputs(),
        summary: prepared.summary()
      }
    })
  }
}

/**
 * Every step's output is read by the runner's own command rules (runner-commands.js): a command the
 * action did not mean to send fails the test that ran the step, whatever that test is about.
 * @param {{ stdout: string, stderr: string }} streams @param {string | undefined} apiKey
 */
export function expectOnlyIntendedCommands(streams, apiKey) {
  const unintended = Object.entries(streams).flatMap(([stream, text]) =>
    unintendedCommands(text, { apiKey }).map(
      found =>
        `${stream} line ${found.line}: ${found.command} (${found.syntax}) in ${JSON.stringify(found.text.slice(0, 300))}`
    )
  )
  if (unintended.length > 0) {
    throw new Error(`The runner would execute commands the action did not mean to send:\n${unintended.join('\n')}`)
  }
}

/**
 * Runs a command without blocking the event loop (the sandbox must keep answering).
 * @param {string} command @param {string[]} args @param {import('node:child_process').SpawnOptions} options
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export function spawnCollect(command, args, options) {
  return spawnProcess(command, args, options).result
}

/**
 * @param {string} command @param {string[]} args @param {import('node:child_process').SpawnOptions} options
 */
function spawnProcess(command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  /** @type {Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string }>} */
  const result = new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', chunk => (stdout += chunk))
    child.stderr?.on('data', chunk => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, result }
}

/** Wine, when `npm run test:windows` set it up: then every step runs node.exe under it. */
function underWine() {
  const host = windowsNode()
  return host?.wine ? host : undefined
}

/**
 * A step's environment as the Windows process must see it: the runner's paths as Windows paths,
 * and Wine's own variables (its prefix, its quiet debug channel) and the UTF-8 locale.
 * @param {Record<string, string>} env @param {import('./windows.js').WindowsNode} wine
 */
function wineEnv(env, wine) {
  const paths = [
    'GITHUB_WORKSPACE',
    'RUNNER_TEMP',
    'GITHUB_OUTPUT',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_STATE'
  ]
  const own = Object.entries(process.env).filter(([name]) => name.startsWith('WINE') && name !== 'WINE_NODE')
  return {
    ...env,
    ...Object.fromEntries(own.map(([name, value]) => [name, String(value)])),
    LANG: 'C.UTF-8',
    ...Object.fromEntries(paths.filter(name => env[name]).map(name => [name, wine.toWindows(env[name])]))
  }
}

/**
 * Runs a Windows process under Wine with its output going to files beside `besideFile`, read
 * once it has ended: files rather than pipes, the setup CONTRIBUTING's Wine notes describe.
 * @param {string} command @param {string[]} args @param {import('node:child_process').SpawnOptions} options
 * @param {string} besideFile
 */
function spawnUnderWine(command, args, options, besideFile) {
  const [outFile, errFile] = ['stdout', 'stderr'].map(name => path.join(path.dirname(besideFile), `${name}.txt`))
  const [out, err] = [openSync(outFile, 'w'), openSync(errFile, 'w')]
  const child = spawn(command, args, { ...options, stdio: ['ignore', out, err] })
  closeSync(out)
  closeSync(err)
  /** @type {Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string }>} */
  const result = new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') })
    )
  })
  return { child, result }
}

/**
 * Parses `name<<delimiter\nvalue\ndelimiter` blocks, as the runner does.
 * @param {string} text @returns {Record<string, string>}
 */
export function parseOutputs(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const [, name, delimiter] = match
    const value = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
    outputs[name] = value.join('\n')
  }
  return outputs
}

// Run as a command (`node sandbox/runner.js`), it is the library it is: say where the command is.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(`sandbox/runner.js runs the bundled action the way the runner does, for the tests, the demo and the benchmark.
To run the action yourself, with your inputs: npm run local -- run-id=… format=…   (npm run local -- --help)`)
}
