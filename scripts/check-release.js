// Checks that a release tag matches what the repository says it is releasing:
//   node scripts/check-release.js v1.2.0
// The tag must be vX.Y.Z, package.json's version X.Y.Z, and the CHANGELOG's newest entry
// "## [X.Y.Z]" (below "## [Unreleased]", if there is one). The release workflow runs it before it moves the major tag; a test runs it here.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * @param {{ tag: string, packageVersion: string, changelog: string }} release
 * @returns {string[]} what is wrong; empty when the tag may be released
 */
export function releaseProblems({ tag, packageVersion, changelog }) {
  const match = /^v(\d+\.\d+\.\d+)$/.exec(tag)
  if (!match) return [`the tag '${tag}' is not vX.Y.Z (e.g. v1.2.0)`]
  const version = match[1]
  const problems = []
  if (packageVersion !== version) {
    problems.push(`package.json says ${packageVersion}, the tag says ${version}: bump package.json and rebuild dist/`)
  }
  // Keep a Changelog's "## [Unreleased]" collects what the next release will be; it is not one.
  const newest = /^## \[(?!Unreleased\])([^\]]+)\]/im.exec(changelog)?.[1]
  if (newest !== version) {
    problems.push(
      `the CHANGELOG's newest entry is ${newest ? `[${newest}]` : 'missing'}, the tag says ${version}: add "## [${version}] - <date>" on top`
    )
  }
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('..', import.meta.url)
  const problems = releaseProblems({
    tag: process.argv[2] ?? '',
    packageVersion: JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version,
    changelog: readFileSync(new URL('CHANGELOG.md', root), 'utf8')
  })
  for (const problem of problems) console.error(`::error title=Release refused::${problem}`)
  if (problems.length === 0) console.log(`${process.argv[2]} matches package.json and the CHANGELOG.`)
  process.exitCode = problems.length ? 1 : 0
}
