// The README is part of the interface: its app-code table is the one errors.ts knows, its outputs
// table lists what action.yml declares, and its links, like those of the other pages, lead somewhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { APP_CODES } from '../src/coreclaw-contract.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'))

test('the troubleshooting table has every app code errors.ts knows, with the same name', () => {
  const rows = [...readme.matchAll(/^\| (\d{5}) +\| ([^|]+?) +\|/gm)].map(([, code, name]) => [Number(code), name])
  expect(rows).toEqual(APP_CODES)
})

test('the "All inputs" block lists every input of action.yml, in order, each commented, with its default', () => {
  const section = readme.slice(readme.indexOf('### All inputs'), readme.indexOf('### Outputs'))
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  const [step] = parse(block) as Array<{ with: Record<string, unknown> }>
  expect(Object.keys(step.with)).toEqual(Object.keys(action.inputs))
  for (const [name, spec] of Object.entries(action.inputs) as Array<
    [string, { required: boolean; default?: string }]
  >) {
    if (!spec.required) expect({ name, value: String(step.with[name]) }).toEqual({ name, value: spec.default })
    expect(block).toMatch(new RegExp(`# .*\\n    ${name}:`))
  }
})

test('the outputs table lists every output of action.yml, in order', () => {
  const section = readme.slice(readme.indexOf('### Outputs'), readme.indexOf('### The job summary'))
  const names = [...section.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map(([, name]) => name)
  expect(names).toEqual(Object.keys(action.outputs))
})

test('relative links between the README, CONTRIBUTING.md and docs/ point at files and headings that exist', () => {
  const pages = [
    'README.md',
    'CONTRIBUTING.md',
    'SECURITY.md',
    ...readdirSync(new URL('../docs/', import.meta.url)).map(name => `docs/${name}`)
  ]
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-')
  const broken: string[] = []
  for (const page of pages) {
    const text = readFileSync(new URL(`../${page}`, import.meta.url), 'utf8')
    for (const [, target] of text.matchAll(/\]\((?!https?:|mailto:)([^)\s]+)\)/g)) {
      const [file, anchor] = target.split('#')
      const resolved = file ? path.posix.join(path.posix.dirname(page), file) : page
      const url = new URL(`../${resolved}`, import.meta.url)
      if (!existsSync(url)) {
        broken.push(`${page}: ${target}`)
        continue
      }
      if (!anchor) continue
      const headings = [...readFileSync(url, 'utf8').matchAll(/^#+ (.+)$/gm)].map(([, heading]) => slug(heading))
      if (!headings.includes(anchor)) broken.push(`${page}: ${target}`)
    }
  }
  expect(broken).toEqual([])
})

test('the README is for users: at most 300 lines', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(300)
})

test('a visitor finds the two set-up commands, the runner the action needs, and a picture of the summary', () => {
  expect(readme).toContain('`npm ci && npm run demo`')
  expect(readme).toContain('`npm ci && npm test`')
  // node24 actions run on runner v2.327.1 and later (v2.327.0 does not know node24).
  expect(readme).toContain('v2.327.1 or later')
  const picture = /!\[[^\]]{20,}\]\((docs\/[\w-]+\.png)\)/.exec(readme)?.[1] ?? ''
  expect(picture).not.toBe('')
  const png = readFileSync(new URL(`../${picture}`, import.meta.url))
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
})

test("CONTRIBUTING's layout names every source file, end-to-end suite and top-level folder, and nothing that is gone", () => {
  const contributing = readFileSync(new URL('../CONTRIBUTING.md', import.meta.url), 'utf8')
  const section = contributing.slice(contributing.indexOf('## Layout'), contributing.indexOf('## Design notes'))
  const named = [...section.matchAll(/^\| ([^|]+?) +\|/gm)].flatMap(([, cell]) =>
    [...cell.matchAll(/`([^`]+)`/g)].map(([, name]) => name.replace(/\/$/, ''))
  )
  expect(named.filter(name => !existsSync(new URL(`../${name}`, import.meta.url)))).toEqual([])
  const sources = readdirSync(new URL('../src/', import.meta.url)).map(name => `src/${name}`)
  const suites = readdirSync(new URL('./', import.meta.url))
    .filter(name => name.endsWith('.e2e.test.ts'))
    .map(name => `__tests__/${name}`)
  const folders = ['dist', 'sandbox', 'stubs', '__tests__', 'scripts', 'docs', '.github']
  const isNamed = (name: string) => named.some(entry => entry === name || entry.startsWith(`${name}/`))
  expect([...sources, ...suites, ...folders].filter(name => !isNamed(name))).toEqual([])
})

test("the README's version examples are the release in package.json", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  const examples = [...readme.matchAll(/# v(\d+\.\d+\.\d+)\b/g)].map(([, shown]) => shown)
  expect(examples.length).toBeGreaterThan(0)
  expect(examples.every(shown => shown === version)).toBe(true)
})
