// The test oracle itself (sandbox/runner-commands.js): it finds what the runner would execute, by
// the runner's rules (actions/runner, src/Runner.Common/ActionCommand.cs and
// src/Runner.Worker/ActionCommandManager.cs), and so it can fail a test.
import { runnerCommands, unintendedCommands } from '../sandbox/runner-commands.js'

const found = (output: string) =>
  runnerCommands(output).map(({ syntax, command, properties, data }) => ({ syntax, command, properties, data }))

test.each([
  ['::warning::x', [{ syntax: 'v2', command: 'warning', properties: {}, data: 'x' }]],
  ['  \t::debug::x', [{ syntax: 'v2', command: 'debug', properties: {}, data: 'x' }]],
  ['\u00a0::debug::x', [{ syntax: 'v2', command: 'debug', properties: {}, data: 'x' }]],
  [
    '::error title=A%2CB%3A,file=f::one%0Atwo%25',
    [{ syntax: 'v2', command: 'error', properties: { title: 'A,B:', file: 'f' }, data: 'one\ntwo%' }]
  ],
  [
    'progress ##[set-output name=path;]/etc/passwd',
    [{ syntax: 'legacy', command: 'set-output', properties: { name: 'path' }, data: '/etc/passwd' }]
  ],
  ['##[SET-OUTPUT name=p]x', [{ syntax: 'legacy', command: 'set-output', properties: { name: 'p' }, data: 'x' }]],
  ['a ##[warning]b%5Dc', [{ syntax: 'legacy', command: 'warning', properties: {}, data: 'b]c' }]],
  ['::nope::x', []],
  ['##[nope]x', []],
  ['x ::warning::y', []],
  ['##\\[warning]x', []],
  ['\\::warning::x', []],
  ['::warning x', []],
  ['##[warning x', []]
])('%j', (output, expected) => {
  expect(found(output)).toEqual(expected)
})

test('lines end at CR, LF or CRLF, as .NET reads them', () => {
  expect(found('a\r::warning::b\r\n##[error]c\nd').map(c => c.command)).toEqual(['warning', 'error'])
})

test('stop-commands pauses everything until its token, which resumes', () => {
  const output = ['::stop-commands::tok', '::warning::paused', '##[error]paused', '::TOK::', '::warning::again'].join(
    '\n'
  )
  expect(found(output).map(c => c.command)).toEqual(['stop-commands', 'tok', 'warning'])
})

test("unintended: anything but the action's own ::commands, and add-mask only of the key", () => {
  const output = [
    '::add-mask::KEY',
    '::group::g',
    '::endgroup::',
    '::debug::d',
    '::notice title=t::n',
    '::warning::w',
    '::error title=CoreClaw export failed::e',
    '| a ##[set-output name=path;]x',
    '::add-mask::other',
    '::set-output name=a::b',
    '::stop-commands::t'
  ].join('\n')
  expect(unintendedCommands(output, { apiKey: 'KEY' }).map(c => `${c.syntax} ${c.command} ${c.data}`)).toEqual([
    'legacy set-output x',
    'v2 add-mask other',
    'v2 set-output b',
    'v2 stop-commands t'
  ])
  expect(unintendedCommands('::add-mask::KEY').map(c => c.command)).toEqual(['add-mask'])
})
