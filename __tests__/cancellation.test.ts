// Cancellation as each platform's runner does it, with the process stubbed: signals are emitted,
// and what the handler does to end the process is recorded instead of done.
import { EventEmitter } from 'node:events'
import { cancelOnSignals, stopSignals, type ProcessLike } from '../src/cancellation.js'
import { CancelledError } from '../src/errors.js'

function fakeProcess(platform: NodeJS.Platform) {
  const emitter = new EventEmitter()
  const ended: string[] = []
  const host: ProcessLike & { emit(signal: string): void; listening(): number } = {
    platform,
    pid: 4242,
    on: (signal, listener) => emitter.on(signal, listener),
    removeListener: (signal, listener) => emitter.removeListener(signal, listener),
    kill: (pid, signal) => void ended.push(`kill ${pid} ${signal}`),
    exit: code => void ended.push(`exit ${code}`),
    emit: signal => void emitter.emit(signal, signal),
    listening: () => emitter.eventNames().length
  }
  return { host, ended }
}

test('the signals that stop a step: SIGBREAK on Windows, SIGHUP elsewhere', () => {
  expect(stopSignals('win32')).toEqual(['SIGINT', 'SIGTERM', 'SIGBREAK'])
  expect(stopSignals('linux')).toEqual(['SIGINT', 'SIGTERM', 'SIGHUP'])
  expect(stopSignals('darwin')).toEqual(['SIGINT', 'SIGTERM', 'SIGHUP'])
})

test.each<[NodeJS.Platform, string, string]>([
  ['linux', 'SIGINT', 'kill 4242 SIGINT'],
  ['linux', 'SIGTERM', 'kill 4242 SIGTERM'],
  ['linux', 'SIGHUP', 'kill 4242 SIGHUP'],
  ['darwin', 'SIGINT', 'kill 4242 SIGINT'],
  // Windows: process.kill(self, 'SIGINT') would be TerminateProcess(…, 1), and SIGBREAK can't be sent.
  ['win32', 'SIGINT', 'exit 130'],
  ['win32', 'SIGTERM', 'exit 143'],
  ['win32', 'SIGBREAK', 'exit 149']
])('%s, %s: the step is aborted, cleans up, and ends with %s', (platform, signal, how) => {
  const { host, ended } = fakeProcess(platform)
  const cleaned: string[] = []
  const cancellation = cancelOnSignals(() => void cleaned.push('cleanup'), host)
  host.emit(signal)
  expect(cancellation.signal.aborted).toBe(true)
  expect(cancellation.signal.reason).toBeInstanceOf(CancelledError)
  expect((cancellation.signal.reason as CancelledError).message).toBe(`cancelled by ${signal}`)
  expect(ended).toEqual([])
  cancellation.end()
  expect(cleaned).toEqual(['cleanup'])
  expect(ended).toEqual([how])
  expect(host.listening()).toBe(0)
})

test('a second signal ends the process at once, without waiting for the step', () => {
  const { host, ended } = fakeProcess('win32')
  cancelOnSignals(() => undefined, host)
  host.emit('SIGINT')
  host.emit('SIGBREAK')
  expect(ended).toEqual(['exit 149'])
})

test('a cleanup that throws (EBUSY on Windows) does not keep the process from ending', () => {
  const { host, ended } = fakeProcess('win32')
  const cancellation = cancelOnSignals(() => {
    throw Object.assign(new Error('busy'), { code: 'EBUSY' })
  }, host)
  host.emit('SIGINT')
  cancellation.end()
  expect(ended).toEqual(['exit 130'])
})

test('no signal: end() only stops listening', () => {
  const { host, ended } = fakeProcess('linux')
  const cancellation = cancelOnSignals(() => undefined, host)
  expect(host.listening()).toBe(3)
  cancellation.end()
  expect(host.listening()).toBe(0)
  expect(ended).toEqual([])
})
