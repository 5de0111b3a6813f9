// The local CLI (dist/cli.js): the same export from a terminal, tested end to end against the
// sandbox. The key comes from CORECLAW_API_KEY; outputs are JSON on stdout, progress on stderr.
// And `npm run demo`, which runs the bundled action the way a newcomer first sees it.
import { spawn } from 'node:child_process'
import { readFileSync, realpathSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { DEMO_TASK, DEMO_WORKER, startSandbox } from '../sandbox/coreclaw.js'
import { baseEnv, expectOnlyIntendedCommands, makeTempDir, ROOT, runAction, spawnCollect } from '../sandbox/runner.js'
import { INPUT_TABLE } from '../src/input-table.js'
import { RUN, startServe, type Sandbox } from './helpers.js'

let sandbox: Sandbox
beforeEach(async () => {
  sandbox = await startSandbox({ runs: [{ slug: RUN }] })
})
afterEach(() => sandbox.close())

/** Runs dist/cli.js; what it prints is read by the runner's command rules too, for a `run:` step. */
function cli(
  args: string[],
  env: Record<string, string> = { CORECLAW_API_KEY: sandbox.apiKey },
  cwd = makeTempDir('coreclaw-cli-')
) {
  const node = process.env.ACTION_NODE ?? process.execPath
  return spawnCollect(node, [path.join(ROOT, 'dist/cli.js'), ...args], {
    cwd,
    env: { ...baseEnv(), ...env }
  }).then(result => {
    expectOnlyIntendedCommands({ stdout: result.stdout, stderr: result.stderr }, undefined)
    return { ...result, cwd }
  })
}

test('exports a run to --out and prints the outputs as JSON', async () => {
  const result = await cli(['--run-id', RUN, '--format', 'xlsx', '--out', 'results.xlsx', '--base-url', sandbox.apiUrl])
  expect(result.code).toBe(0)
  const outputs = JSON.parse(result.stdout)
  expect(outputs).toMatchObject({
    // The CLI resolves against process.cwd(), which is the real path: on macOS the temporary folder
    // is behind a symlink (/var → /private/var), and .ci/run puts it behind one on Linux too.
    path: path.join(realpathSync(result.cwd), 'results.xlsx'),
    'run-id': RUN,
    format: 'xlsx',
    'result-count': 3
  })
  expect(readFileSync(outputs.path)).toEqual(sandbox.expectedBytes(RUN, 'xlsx'))
  expect(outputs.size).toBe(readFileSync(outputs.path).length)
  expect(sandbox.seen('run')[0].headers.authorization).toBe(`Bearer ${sandbox.apiKey}`)
  // Progress and the log go to stderr, never the key or the signed query.
  expect(result.stderr).toContain('Downloading http://')
  expect(result.stderr).not.toContain(sandbox.apiKey)
  expect(result.stderr).not.toMatch(/q-signature/)
})

test('shows progress on stderr for long downloads', async () => {
  // 4 MiB in 256 KiB pieces, 150 ms apart: about 2.4 s, so the once-a-second progress line shows.
  sandbox.addRun({ slug: 'BIGRUN', size: 4 * 1024 * 1024 })
  sandbox.fail('download', { trickleMs: 150, trickleBytes: 256 * 1024 })
  const result = await cli(['--run-id', 'BIGRUN', '--base-url', sandbox.apiUrl])
  expect(result.code).toBe(0)
  expect(JSON.parse(result.stdout).size).toBe(4 * 1024 * 1024)
  expect(result.stderr).toMatch(/^Downloaded \d+\.\d MiB of 4\.0 MiB \(\d+%\)$/m)
})

test("--help has every input of action.yml, with action.yml's words and default; the key only as CORECLAW_API_KEY", async () => {
  const result = await cli(['--help'], {})
  expect(result.code).toBe(0)
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
  for (const [name, spec] of Object.entries(action.inputs) as Array<[string, Record<string, unknown>]>) {
    if (name === 'api-key') continue
    const flag = name === 'path' ? 'out' : name
    const line = result.stdout.split('\n').find(l => l.startsWith(`  --${flag} `)) ?? `no line for --${flag}`
    const description = String(spec.description).replace(/^Required\. /, '')
    const summary = /^\s+--\S+ (?:<[^>]+>|\[bool\])\s+(.*?)(?: \((?:required|default: .*)\))?$/.exec(line)?.[1] ?? line
    // action.yml's words, or the table's CLI wording where those speak of steps and inputs.
    const cli = (INPUT_TABLE as Record<string, { cli?: string }>)[name].cli
    expect({ name, summary, matches: cli ? summary === cli : description.startsWith(summary) }).toEqual({
      name,
      summary,
      matches: true
    })
    if (spec.required) expect(line).toContain('(required)')
    else if (spec.default !== '') expect(line).toContain(`(default: ${spec.default})`)
  }
  // A terminal has commands and options, not steps and inputs.
  expect(result.stdout).not.toMatch(/\bstep\b|With "new"/)
  expect(result.stdout).toMatch(/^ {2}--dry-run \[bool\] +With --run-id new: /m)
  expect(result.stdout).not.toContain('--api-key')
  expect(result.stdout).toContain('CORECLAW_API_KEY')
  expect(result.stdout).toMatch(/^Usage: .*--run-id <slug\|last\|last-succeeded\|new>/)
  // The outputs as action.yml lists them: the one table, not a copy in the CLI.
  expect(result.stdout).toContain(`Prints the outputs (${Object.keys(action.outputs).join(', ')}) as JSON`)
})

test('a missing --run-id is told before a missing key', async () => {
  const result = await cli(['--base-url', sandbox.apiUrl], {})
  expect(result.code).toBe(2)
  expect(result.stderr).toMatch(/^error: --run-id is missing/)
})

test.each([
  ['--runid', '--run-id'],
  ['--Run-Id', '--run-id'],
  ['--fromat', '--format'],
  ['--wait_timeout', '--wait-timeout']
])('%s: did you mean %s?', async (typo, meant) => {
  const result = await cli([typo, RUN])
  expect(result.code).toBe(2)
  expect(result.stderr).toBe(
    `error: Unknown option ${typo} (did you mean ${meant}?)\nRun with --help for the options.\n`
  )
})

test('a missing key is a usage error (exit 2) that names CORECLAW_API_KEY, and nothing is requested', async () => {
  const result = await cli(['--run-id', RUN, '--base-url', sandbox.apiUrl], {})
  expect(result.code).toBe(2)
  expect(result.stderr).toContain('CORECLAW_API_KEY is not set')
  expect(sandbox.requests).toEqual([])
})

test('the same validation as the action, with option names in the message', async () => {
  const result = await cli(['--run-id', RUN, '--format', 'ndjson', '--base-url', sandbox.apiUrl])
  expect(result.code).toBe(2)
  expect(result.stderr).toBe(
    "error: --format is 'ndjson'. Accepted: one of csv, json, jsonl, xlsx, xls, xml, html, rss.\n"
  )
  expect(sandbox.requests).toEqual([])
})

test('an unknown flag is a usage error: one line, and where to look', async () => {
  const result = await cli(['--run', RUN])
  expect(result.code).toBe(2)
  expect(result.stderr).toBe('error: Unknown option --run.\nRun with --help for the options.\n')
})

test("--path, the action's input name, points to --out", async () => {
  const result = await cli(['--run-id', RUN, '--path', 'x.csv'])
  expect(result.code).toBe(2)
  expect(result.stderr).toBe('error: Unknown option --path (did you mean --out?)\nRun with --help for the options.\n')
})

test('hints name options and CORECLAW_API_KEY, never step inputs', async () => {
  const first = await cli(['--run-id', RUN, '--base-url', sandbox.apiUrl])
  expect(first.code).toBe(0)
  const again = await cli(
    ['--run-id', RUN, '--base-url', sandbox.apiUrl, '--overwrite', 'false'],
    { CORECLAW_API_KEY: sandbox.apiKey },
    first.cwd
  )
  expect(again.code).toBe(1)
  expect(again.stderr).toMatch(
    /already exists and overwriting is off; it was left untouched\. Set --overwrite true, or choose another --out\.\n$/
  )
  const wrongKey = await cli(['--run-id', RUN, '--base-url', sandbox.apiUrl], { CORECLAW_API_KEY: 'cc_wrong' })
  expect(wrongKey.code).toBe(1)
  expect(wrongKey.stderr).toContain('update CORECLAW_API_KEY.')
  for (const text of [again.stderr, wrongKey.stderr]) expect(text).not.toMatch(/'(overwrite|path|api-key)'/)
})

test('an export failure is exit 1 with the app code, request id and hint', async () => {
  sandbox.fail('export', { status: 400, code: 30001, message: 'insufficient balance' })
  const result = await cli(['--run-id', RUN, '--base-url', sandbox.apiUrl])
  expect(result.code).toBe(1)
  expect(result.stderr).toMatch(
    /error: Run 01KKDXV2G26BT7NH4ZQR2R4NPZ: export request failed: HTTP 400: app code 30001 \(insufficient balance\).*\[request_id: req-sandbox-2\]\. .*balance/
  )
})

test('in a `run:` step the runner reads stderr for commands too: server text there is inert', async () => {
  sandbox.fail('export', { status: 400, code: 11000, message: 'x ##[set-output name=path;]/etc/passwd' })
  const result = await cli(['--run-id', RUN, '--base-url', sandbox.apiUrl])
  expect(result.code).toBe(1)
  // cli() has read stdout and stderr by the runner's rules; the payload did reach stderr, as text.
  expect(result.stderr).toContain('(invalid argument): x ##\\[set-output name=path;]/etc/passwd')
})

test('warnings speak options too: an empty export, a file name that contradicts the format, an ignored worker', async () => {
  sandbox.addRun({ slug: 'EMPTYRUN', rows: [], results: 0 })
  const result = await cli([
    '--run-id',
    'EMPTYRUN',
    '--base-url',
    sandbox.apiUrl,
    '--out',
    'rows.json',
    '--worker-id',
    'acme/maps'
  ])
  expect(result.code).toBe(0)
  expect(result.stderr).toContain('set --if-empty error to fail the step instead')
  expect(result.stderr).toContain('set --format json, or name the file .csv')
  expect(result.stderr).toContain(
    '--worker-id is only used with --run-id last, --run-id last-succeeded or --run-id new'
  )
  expect(result.stderr).not.toMatch(/'(if-empty|format|worker-id|run-id)[:']/)
})

test('a boolean option given bare is true: --dry-run checks and starts nothing', async () => {
  const input = '{"parameters": {"custom": {"keywords": ["coffee"]}}}'
  const args = [
    '--run-id',
    'new',
    '--worker-id',
    DEMO_WORKER.id,
    '--input',
    input,
    '--dry-run',
    '--base-url',
    sandbox.apiUrl
  ]
  const result = await cli(args)
  expect(result.code).toBe(0)
  expect(result.stderr).toContain(`Dry run: a run of worker ${DEMO_WORKER.id} with the input from --input would start.`)
  expect(sandbox.seen('start')).toEqual([])
  // Still a value where one follows: --overwrite false.
  const kept = await cli(['--run-id', RUN, '--base-url', sandbox.apiUrl, '--overwrite', 'false', '--out', 'x.csv'])
  expect(kept.code).toBe(0)
})

test('--compare-with and --key-fields: what changed, as JSON numbers on stdout', async () => {
  const cwd = makeTempDir('coreclaw-cli-')
  // The same rows as the sandbox's export, but one rating changed and one row gone.
  const earlier = 'title,address,rating,reviews\n"Café ""Le Nord"", Paris","12 Rue de Rivoli\nParis",4.0,97\n'
  writeFileSync(path.join(cwd, 'earlier.csv'), earlier)
  const args = ['--run-id', RUN, '--base-url', sandbox.apiUrl, '--out', 'now.csv']
  const result = await cli([...args, '--compare-with', 'earlier.csv', '--key-fields', 'title'], undefined, cwd)
  expect(result.code).toBe(0)
  const outputs = JSON.parse(result.stdout)
  expect(outputs).toMatchObject({ changed: true, 'rows-added': 2, 'rows-removed': 0, 'rows-changed': 1 })
  expect(outputs['previous-sha256']).toMatch(/^[0-9a-f]{64}$/)
  expect(result.stderr).toContain('Compared with earlier.csv, rows: 2 added, 0 removed, 1 changed.')
})

describe('--run-id new', () => {
  test('starts a run of a worker with --input-file, shows its log, exports it', async () => {
    const cwd = makeTempDir('coreclaw-cli-')
    writeFileSync(path.join(cwd, 'input.json'), '{"parameters": {"custom": {"keywords": ["coffee"]}}}')
    const args = ['--run-id', 'new', '--worker-id', DEMO_WORKER.id, '--input-file', 'input.json']
    const result = await cli([...args, '--base-url', sandbox.apiUrl], { CORECLAW_API_KEY: sandbox.apiKey }, cwd)
    expect(result.code).toBe(0)
    const outputs = JSON.parse(result.stdout)
    expect(outputs['run-started']).toBe(true)
    expect(sandbox.seen('start')).toHaveLength(1)
    expect(JSON.parse(sandbox.seen('start')[0].body ?? '')).toEqual({
      is_async: true,
      input: { parameters: { custom: { keywords: ['coffee'] } } }
    })
    expect(result.stderr).toContain(`Started run ${outputs['run-id']} of worker ${DEMO_WORKER.id}.`)
    expect(result.stderr).toMatch(/^\| Worker started$/m)
  })

  const posix = process.platform === 'win32' ? test.skip : test
  posix('Ctrl-C aborts the run it started, and only that one', async () => {
    await sandbox.close()
    sandbox = await startSandbox({ runs: [{ slug: RUN }], runDurationMs: 60_000 })
    const cwd = makeTempDir('coreclaw-cli-')
    const node = process.env.ACTION_NODE ?? process.execPath
    const args = ['--run-id', 'new', '--task-id', DEMO_TASK, '--base-url', sandbox.apiUrl]
    const child = spawn(node, [path.join(ROOT, 'dist/cli.js'), ...args], {
      cwd,
      env: { ...baseEnv(), CORECLAW_API_KEY: sandbox.apiKey },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    await new Promise<void>(resolve =>
      child.stderr.on('data', chunk => {
        stderr += chunk
        if (/is (ready|running)/.test(stderr)) resolve()
      })
    )
    child.kill('SIGINT')
    const [code, signal] = await new Promise<[number | null, string | null]>(resolve =>
      child.once('close', (c, s) => resolve([c, s]))
    )
    expect(code === null ? signal : code).toBe('SIGINT')
    const started = [...sandbox.runs.values()].find(run => run.startedAtMs !== undefined)
    expect(sandbox.seen('abort').map(r => r.path)).toEqual([`/api/v2/worker-runs/${started?.slug}/abort`])
    expect(stderr).toMatch(/error: cancelled by SIGINT; asked CoreClaw to abort run \w+, which this step started/)
  })

  test('a failure after the start still prints run-id and run-started on stdout, for a script to act on', async () => {
    await sandbox.close()
    sandbox = await startSandbox({ runs: [{ slug: RUN }], runDurationMs: 60_000 })
    const result = await cli([
      '--run-id',
      'new',
      '--task-id',
      DEMO_TASK,
      '--base-url',
      sandbox.apiUrl,
      '--wait-timeout',
      '1'
    ])
    expect(result.code).toBe(1)
    const started = [...sandbox.runs.values()].find(run => run.startedAtMs !== undefined)
    const outputs = JSON.parse(result.stdout)
    expect(outputs).toMatchObject({ 'run-id': started?.slug, 'run-started': true, path: null })
    expect(result.stderr).toMatch(/--abort-on-stop|--wait-timeout/)
    expect(result.stderr).not.toMatch(/'(abort-on-stop|wait-timeout)[:']/)
  })

  test('--abort-on-stop false: the run is left running, and every word is an option', async () => {
    await sandbox.close()
    sandbox = await startSandbox({ runs: [{ slug: RUN }], runDurationMs: 60_000 })
    const args = ['--run-id', 'new', '--task-id', DEMO_TASK, '--base-url', sandbox.apiUrl, '--wait-timeout', '1']
    const result = await cli([...args, '--abort-on-stop', 'false'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('keeps running: --abort-on-stop false')
    expect(result.stderr).not.toMatch(/'(abort-on-stop|wait-timeout|run-id)[:']/)
  })
})

test("npm run demo tells the whole story, and streams the action's log while the run runs", async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/demo.js')], {
    env: baseEnv(),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let streamedWhileRunning = false
  child.stdout.on('data', chunk => {
    stdout += chunk
    // The run takes seconds: its start line must be on screen before the demo ends.
    if (/^Started run \w+/m.test(stdout) && child.exitCode === null) streamedWhileRunning = true
  })
  const code = await new Promise(resolve => child.once('close', resolve))
  expect(code).toBe(0)
  expect(streamedWhileRunning).toBe(true)
  expect(stdout).toContain('The input matches worker coreclaw/google-maps-scraper')
  expect(stdout).toMatch(/^\| Worker started$/m)
  expect(stdout).toContain('--- outputs ---')
  expect(stdout).toContain('### CoreClaw export')
})

test('its newest run has finished: run-id last against it exports at once, as the banner says', async () => {
  const served = await startServe()
  try {
    const result = await runAction({
      inputs: { 'run-id': 'last', 'api-key': 'cc_sandbox_key_7f3a9d', 'base-url': served.apiUrl, 'wait-timeout': '5' }
    })
    expect(result.code).toBe(0)
    expect(result.outputs['run-id']).toBe('01KKDXV2G26BT7NH4ZQR2R4NPZ')
  } finally {
    await served.stop()
  }
})

describe('npm run local: the bundled action with your own inputs, as the runner runs it', () => {
  const local = (args: string[], cwd: string) =>
    spawnCollect(process.env.ACTION_NODE ?? process.execPath, [path.join(ROOT, 'scripts/local.js'), ...args], {
      cwd: ROOT,
      // npm sets INIT_CWD to the folder `npm run` was typed in: the workspace.
      env: { ...baseEnv(), CORECLAW_API_KEY: sandbox.apiKey, INIT_CWD: cwd }
    })

  test('name=value inputs, the key from CORECLAW_API_KEY; the file lands where npm ran; outputs and summary printed', async () => {
    const cwd = makeTempDir('coreclaw-local-')
    const result = await local([`run-id=${RUN}`, `base-url=${sandbox.apiUrl}`, 'format=json', 'path=out/'], cwd)
    expect(result.code).toBe(0)
    expect(readFileSync(path.join(cwd, 'out', `${RUN}.json`))).toEqual(sandbox.expectedBytes(RUN, 'json'))
    expect(result.stdout).toContain(`\npath: ${path.join(cwd, 'out', `${RUN}.json`)}\n`)
    expect(result.stdout).toContain('--- job summary ---\n### CoreClaw export\n')
    expect(result.stdout).not.toContain('q-signature')
    expect(sandbox.seen('export')[0].query).toEqual({ format: 'json' })
  })

  test.each([
    [['nope=1'], "'nope' is not an input of the action"],
    [['run-id'], "'run-id' is not <input>=<value>"]
  ])('%j is a usage error, exit 2', async (args, message) => {
    const result = await local(args, makeTempDir('coreclaw-local-'))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(sandbox.requests).toEqual([])
  })
})
