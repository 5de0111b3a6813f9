// The release workflow refuses a tag that does not match package.json and the CHANGELOG. The
// logic is scripts/check-release.js, run here as the workflow runs it.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { ROOT, spawnCollect } from '../sandbox/runner.js'
import { releaseProblems } from '../scripts/check-release.js'
import { workflowNames, workflowProblems } from '../scripts/validate-workflows.js'

const changelog = '# Changelog\n\n## [1.2.0] - 2026-11-28\n\n### Added\n\n## [1.1.0] - 2026-11-01\n'

test('a tag that matches package.json and the newest CHANGELOG entry is accepted', () => {
  expect(releaseProblems({ tag: 'v1.2.0', packageVersion: '1.2.0', changelog })).toEqual([])
})

test('an [Unreleased] section above it is not a release: the newest versioned entry counts', () => {
  const pending = changelog.replace('## [1.2.0]', '## [Unreleased]\n\n### Changed\n\n## [1.2.0]')
  expect(releaseProblems({ tag: 'v1.2.0', packageVersion: '1.2.0', changelog: pending })).toEqual([])
})

test.each([
  ['v1.3.0', '1.2.0', /package\.json says 1\.2\.0, the tag says 1\.3\.0/],
  ['v1.1.0', '1.1.0', /newest entry is \[1\.2\.0\], the tag says 1\.1\.0/],
  ['1.2.0', '1.2.0', /is not vX\.Y\.Z/],
  ['v1.2', '1.2.0', /is not vX\.Y\.Z/],
  ['v1.2.0-rc.1', '1.2.0', /is not vX\.Y\.Z/]
])('tag %s with package.json %s is refused', (tag, packageVersion, problem) => {
  expect(releaseProblems({ tag, packageVersion, changelog })).toEqual(
    expect.arrayContaining([expect.stringMatching(problem)])
  )
})

test("the script refuses a wrong tag with exit 1 and an annotation, and accepts this repository's own", async () => {
  const script = path.join(ROOT, 'scripts/check-release.js')
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const wrong = await spawnCollect(process.execPath, [script, 'v0.0.1'], {})
  expect(wrong.code).toBe(1)
  expect(wrong.stderr).toMatch(/^::error title=Release refused::package\.json says/m)
  const right = await spawnCollect(process.execPath, [script, `v${version}`], {})
  expect(right.code).toBe(0)
})

test('release.yml runs the check before it moves the major tag', () => {
  const text = readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8')
  const workflow = parse(text)
  expect(workflow.on).toEqual({ release: { types: ['published'] } })
  const steps: Array<{ run?: string; uses?: string }> = workflow.jobs.release.steps
  const check = steps.findIndex(s => s.run?.includes('scripts/check-release.js'))
  const move = steps.findIndex(s => s.run?.includes('git push --force'))
  expect(check).toBeGreaterThan(-1)
  expect(move).toBeGreaterThan(check)
})

test.each(workflowNames())('%s is valid and pins every action by a full commit SHA', name => {
  expect(workflowProblems(name, readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8'))).toEqual([])
})

test('an action pinned by a tag is caught; a uses: in a comment is not a step', () => {
  const workflow = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      # uses: shown/in-a@comment',
    '      - uses: actions/checkout@v7',
    '      - uses: ./'
  ].join('\n')
  expect(workflowProblems('x.yml', workflow)).toEqual([
    "x.yml: 'actions/checkout@v7' is not pinned by a full commit SHA"
  ])
})
