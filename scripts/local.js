// `npm run local -- run-id=… format=… [name=value …]`: the bundled action (dist/index.js), run on
// this machine exactly as the runner runs it, with your inputs: INPUT_* variables with action.yml's
// defaults, the runner's files, and cwd = the workspace, which is the folder you ran npm from
// (or workspace=<folder>). The key comes from CORECLAW_API_KEY, or api-key=… . It prints the
// action's log as it runs, then its outputs and the job summary; the runner's own files are removed.
//
//   CORECLAW_API_KEY=… npm run local -- run-id=last worker-id=coreclaw/google-maps-scraper format=json
//   npm run local -- base-url=http://127.0.0.1:8787 api-key=cc_sandbox_key_7f3a9d run-id=last   (node sandbox/serve.js)
import * as path from 'node:path'
import { actionDefaults, removeTempDirs, startAction } from '../sandbox/runner.js'

const inputs = actionDefaults()
const USAGE = `Usage: npm run local -- <input>=<value> ...

Runs the bundled action here, as the runner would, with these inputs (action.yml's, with their defaults):
${Object.entries(inputs)
  .map(([name, value]) => `  ${name}=${value}`)
  .join('\n')}

  workspace=<folder>   where the file goes (default: the folder you ran npm from)
The key comes from CORECLAW_API_KEY unless api-key= is given.`

const given = {}
let workspace = process.env.INIT_CWD ?? process.cwd()
for (const arg of process.argv.slice(2)) {
  if (arg === '--help' || arg === '-h') {
    console.log(USAGE)
    process.exit(0)
  }
  const at = arg.indexOf('=')
  const name = at > 0 ? arg.slice(0, at) : arg
  const value = at > 0 ? arg.slice(at + 1) : ''
  if (name === 'workspace' && at > 0) workspace = path.resolve(workspace, value)
  else if (at > 0 && name in inputs) given[name] = value
  else {
    console.error(
      `error: ${at > 0 ? `'${name}' is not an input of the action` : `'${arg}' is not <input>=<value>`}. Run npm run local -- --help for the inputs.`
    )
    process.exit(2)
  }
}
given['api-key'] ??= process.env.CORECLAW_API_KEY ?? ''

const { child, result } = startAction({ inputs: given, workspace })
// Streamed as the action writes it, exactly: the runner would read these lines.
child.stdout?.on('data', chunk => process.stdout.write(chunk))
child.stderr?.on('data', chunk => process.stderr.write(chunk))
const step = await result
console.log(`\n--- exit code ${step.code} ---\n--- outputs ---`)
for (const [name, value] of Object.entries(step.outputs))
  console.log(
    `${name}: ${name === 'url' && value ? `${value.split('?')[0]}?… (signed; the url output has it whole)` : value}`
  )
console.log(`--- job summary ---\n${step.summary}`)
// The runner's files hold the signed URL; the workspace is yours and stays.
removeTempDirs()
process.exitCode = step.code ?? 1
