// `npm run lint` part: every workflow against GitHub's schema (action-validator), every `uses:`
// pinned by a full commit SHA, and dependabot.yml's shape. Node only, so it runs on every OS the CI
// matrix has. (action.yml is checked by __tests__/action-yml.test.ts: the validator's schema does
// not know `using: node24` yet.) __tests__/release.test.ts calls the same functions.
import { validateWorkflow } from '@action-validator/core'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = new URL('..', import.meta.url)
const read = path => readFileSync(new URL(path, root), 'utf8')

/** The repository's workflow files, by name. */
export function workflowNames() {
  return readdirSync(new URL('.github/workflows/', root)).filter(name => /\.ya?ml$/.test(name))
}

/**
 * What is wrong with one workflow's text: schema errors, and actions not pinned by a full commit SHA.
 * @param {string} name @param {string} text @returns {string[]}
 */
export function workflowProblems(name, text) {
  const problems = validateWorkflow(text).errors.map(
    error => `${name}: ${error.title}: ${error.detail ?? error.path ?? ''}`
  )
  for (const [, use] of text.matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)) {
    if (use !== './' && !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(use)) {
      problems.push(`${name}: '${use}' is not pinned by a full commit SHA`)
    }
  }
  return problems
}

/** @returns {string[]} */
function dependabotProblems() {
  const dependabot = parse(read('.github/dependabot.yml'))
  const problems = []
  if (dependabot.version !== 2 || !Array.isArray(dependabot.updates)) {
    problems.push('dependabot.yml: needs version 2 and updates')
  }
  for (const ecosystem of ['npm', 'github-actions']) {
    if (!dependabot.updates?.some(update => update['package-ecosystem'] === ecosystem)) {
      problems.push(`dependabot.yml: no ${ecosystem} updates`)
    }
  }
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = workflowNames()
  const problems = [
    ...names.flatMap(name => workflowProblems(name, read(`.github/workflows/${name}`))),
    ...dependabotProblems()
  ]
  for (const problem of problems) console.error(problem)
  console.log(
    `${names.length} workflows and dependabot.yml: ${problems.length ? `${problems.length} problems` : 'valid'}`
  )
  process.exitCode = problems.length ? 1 : 0
}
