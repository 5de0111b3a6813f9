// The README is part of the interface: its app-code table is the one errors.ts knows, and its
// outputs table lists what action.yml declares.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { APP_CODES } from '../src/errors.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'))

test('the troubleshooting table has every app code errors.ts knows, with the same name', () => {
  const rows = [...readme.matchAll(/^\| (\d{5}) +\| ([^|]+?) +\|/gm)].map(([, code, name]) => [Number(code), name])
  expect(rows).toEqual(APP_CODES)
})

test('the outputs table lists every output of action.yml, in order', () => {
  const section = readme.slice(readme.indexOf('### Outputs'), readme.indexOf('### The job summary'))
  const names = [...section.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map(([, name]) => name)
  expect(names).toEqual(Object.keys(action.outputs))
})
