// action.yml is the contract users read on the Marketplace: it must match what the code does.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describeInput, INPUT_NAMES, INPUT_TABLE } from '../src/input-table.js'
import { parseInputs } from '../src/inputs.js'
import { OUTPUT_TABLE } from '../src/outputs.js'

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'))

test('runs the committed bundle on node24', () => {
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
})

test('has a name, description, author and branding', () => {
  expect(action.name).toBeTruthy()
  expect(action.description).toBeTruthy()
  // The Marketplace refuses a longer description.
  expect(action.description.length).toBeLessThanOrEqual(125)
  expect(action.author).toBeTruthy()
  expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
})

test('inputs are exactly the table in src/input-table.ts: names, order, required, defaults and descriptions', () => {
  expect(Object.keys(action.inputs)).toEqual(INPUT_NAMES)
  for (const name of INPUT_NAMES) {
    const spec = INPUT_TABLE[name] as { required?: true; default: string }
    expect({ name, ...action.inputs[name] }).toEqual({
      name,
      description: describeInput(name),
      required: spec.required === true,
      ...(!spec.required && { default: spec.default })
    })
  }
})

test("an input left out parses as action.yml's default: the runner fills the defaults in, the CLI does not", () => {
  const given = { 'run-id': 'last', 'api-key': 'key' } as Record<string, string>
  const defaults = Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [name, (spec as { default?: string }).default ?? ''])
  )
  const asTheRunner = parseInputs(name => given[name] ?? defaults[name])
  const asTheCli = parseInputs(name => given[name] ?? '')
  expect(asTheCli).toEqual(asTheRunner)
})

test.each(Object.entries(action.inputs))(
  'input %s says whether it is required, its default and what it accepts',
  (name, spec) => {
    const { description, required } = spec as { description: string; required: boolean }
    expect(description.length).toBeGreaterThan(40)
    if (required) expect(description).toMatch(/^Required\./)
    else expect(description).toMatch(/Default: /)
    expect(['run-id', 'api-key'].includes(name)).toBe(required)
  }
)

test('outputs are exactly the table in src/outputs.ts: names, order and descriptions', () => {
  expect(action.outputs).toEqual(
    Object.fromEntries(Object.entries(OUTPUT_TABLE).map(([name, description]) => [name, { description }]))
  )
})
