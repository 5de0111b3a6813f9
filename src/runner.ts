/**
 * The GitHub Actions runner protocol: INPUT_* variables, workflow commands on stdout, and the
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. It writes the same bytes as @actions/core (a test
 * compares them) without loading core's HTTP stack, which alone costs ~90 ms at start-up.
 */
import { appendFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'
import type { Log } from './log.js'

export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** Registers a value with the runner's log masker. Must come before anything could print it. */
export function setSecret(value: string): void {
  command('add-mask', {}, value)
}

export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT
  if (!file) {
    // Local runs: the deprecated stdout command, as @actions/core does.
    process.stdout.write(EOL)
    command('set-output', { name }, value)
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (value.includes(delimiter)) throw new Error(`output ${name} contains the delimiter`)
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}

/** Appends to the job summary; quietly does nothing outside a runner. */
export function appendSummary(markdown: string): boolean {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return false
  appendFileSync(file, markdown, 'utf8')
  return true
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

export function warning(message: string, title?: string): void {
  command('warning', title ? { title } : {}, message)
}

export function error(message: string, title?: string): void {
  command('error', title ? { title } : {}, message)
}

/** Marks the step failed with an annotation; the exit code is set, the process is not killed. */
export function setFailed(message: string, title?: string): void {
  process.exitCode = 1
  error(message, title)
}

export async function group<T>(title: string, work: () => Promise<T>): Promise<T> {
  command('group', {}, title)
  try {
    return await work()
  } finally {
    command('endgroup', {}, '')
  }
}

export const runnerLog: Log = { info, warning: message => warning(message), group }

function command(name: string, properties: Record<string, string>, message: string): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`)
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}
