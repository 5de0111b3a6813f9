// The step's inputs, end to end on the bundle: what it sends for them, and that a wrong one fails
// before any request and changes nothing. Each input's rules are unit-tested in inputs.test.ts;
// here one bad input of each kind proves that the bundle checks them all first.
import { readFileSync } from 'node:fs'
import {
  errorLine,
  filesIn,
  sandboxWithRun,
  stepAgainst,
  type Sandbox,
  summaryFact,
  summaryText,
  withCmark
} from './helpers.js'

let sandbox: Sandbox
let step: ReturnType<typeof stepAgainst>

beforeEach(async () => ({ sandbox, step } = await sandboxWithRun()))
afterEach(() => sandbox.close())

describe('filter-keys', () => {
  test('normalised and sent as filter_keys=a,b; the file has only those fields', async () => {
    const result = await step({ 'filter-keys': ' title,\naddress, ,title\n', format: 'jsonl' })
    expect(result.code).toBe(0)
    expect(sandbox.seen('export')[0].query).toEqual({ format: 'jsonl', filter_keys: 'title,address' })
    const rows = readFileSync(result.outputs.path, 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line))
    expect(Object.keys(rows[0])).toEqual(['title', 'address'])
    expect(summaryFact(result.summary, 'Fields')).toBe('`title`, `address`')
  })

  test('not sent when empty', async () => {
    await step({ 'filter-keys': ' \n ' })
    expect(sandbox.seen('export')[0].query).toEqual({ format: 'csv' })
  })
})

describe('invalid inputs fail before any request', () => {
  // One of each kind the step sees most; inputs.test.ts has every rule.
  test.each([
    [
      { format: 'ndjson' },
      /Input 'format' is 'ndjson'\. Set 'format' to one of csv, json, jsonl, xlsx, xls, xml, html, rss\./
    ],
    [
      { 'api-key': '' },
      /Input 'api-key' is empty\. Usually the secret is not set .*forks.*Dependabot secrets\. Set 'api-key' to your CoreClaw API key/
    ],
    [{ 'run-id': '../etc' }, /Input 'run-id' is not a run slug/]
  ])('%p', async (inputs, message) => {
    const result = await step(inputs as Record<string, string>)
    expect(result.code).toBe(1)
    expect(errorLine(result)).toMatch(message)
    expect(errorLine(result)).toMatch(/^::error title=CoreClaw export failed::/)
    expect(errorLine(result)).not.toMatch(/\.\.( |$)/)
    expect(sandbox.requests).toEqual([])
    expect(filesIn(result.workspace)).toEqual([])
  })

  withCmark(
    'the summary says what happened, then what to do, with the useful sentences under "What to do"',
    async () => {
      const result = await step({ 'api-key': '' })
      expect(summaryText(result.summary, 'Failed:')).toMatch(
        /^Input 'api-key' is empty\. Usually the secret is not set/
      )
      expect(summaryText(result.summary, 'What to do:')).toBe(
        "Set 'api-key' to your CoreClaw API key, e.g. ${{ secrets.CORECLAW_API_KEY }}, with that secret set under Settings → Secrets and variables → Actions."
      )
    }
  )

  test('the key is masked before validation can print anything', async () => {
    const result = await step({ format: 'nope' })
    expect(result.stdout.split(/\r?\n/)[0]).toBe(`::add-mask::${sandbox.apiKey}`)
  })

  test('a newline in path is an input error, before any request, and nothing is injected', async () => {
    const result = await step({ path: 'out.csv\n::warning::injected' })
    expect(result.code).toBe(1)
    expect(errorLine(result)).toContain("Input 'path' holds a control character")
    expect(result.stdout).not.toMatch(/^::warning::injected/m)
    expect(sandbox.requests).toEqual([])
  })
})
