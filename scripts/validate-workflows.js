// `npm run lint` part: every workflow against GitHub's schema (action-validator), every `uses:`
// pinned by a full commit SHA, and dependabot.yml's shape. Node only, so it runs on every OS the CI
// matrix has. (action.yml is checked by __tests__/action-yml.test.ts: the validator's schema does
// not know `using: node24` yet.)
import { validateWorkflow } from '@action-validator/core'
import { readdirSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'

const root = new URL('..', import.meta.url)
const read = path => readFileSync(new URL(path, root), 'utf8')
const problems = []

const workflows = readdirSync(new URL('.github/workflows/', root)).filter(name => /\.ya?ml$/.test(name))
for (const name of workflows) {
  const text = read(`.github/workflows/${name}`)
  for (const error of validateWorkflow(text).errors)
    problems.push(`${name}: ${error.title}: ${error.detail ?? error.path ?? ''}`)
  for (const [, use] of text.matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)) {
    if (use !== './' && !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(use))
      problems.push(`${name}: '${use}' is not pinned by a full commit SHA`)
  }
}

const dependabot = parse(read('.github/dependabot.yml'))
if (dependabot.version !== 2 || !Array.isArray(dependabot.updates))
  problems.push('dependabot.yml: needs version 2 and updates')
for (const ecosystem of ['npm', 'github-actions']) {
  if (!dependabot.updates?.some(update => update['package-ecosystem'] === ecosystem)) {
    problems.push(`dependabot.yml: no ${ecosystem} updates`)
  }
}

for (const problem of problems) console.error(problem)
console.log(
  `${workflows.length} workflows and dependabot.yml: ${problems.length ? `${problems.length} problems` : 'valid'}`
)
process.exitCode = problems.length ? 1 : 0
