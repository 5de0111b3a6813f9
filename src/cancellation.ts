/**
 * The runner cancels a step with SIGINT, then SIGTERM about 7.5 s later (on Windows: Ctrl-C, seen
 * by Node as SIGINT, then Ctrl-Break, SIGBREAK, and the process tree is killed 2.5 s after that).
 * A self-hosted runner being stopped, or a closed terminal for the CLI, sends SIGHUP. Node's
 * default is to die at once, which would leave a temporary file behind and a started run going.
 * Here the first signal aborts the step's AbortSignal: requests stop, the download removes its
 * temporary file, a run the step started is aborted, and the action reports. Then the process ends
 * by the same signal, so the runner sees what happened. A second signal, or a step that is still
 * busy after a grace period, cuts the cleanup short.
 */
import { CancelledError } from './errors.js'

/**
 * Long enough for a step that started a run to send the abort (3 s at most, start.ts), short enough
 * to end well before the runner's SIGTERM, 7.5 s after its SIGINT.
 */
const GRACE_MS = 5000

export interface Cancellation {
  readonly signal: AbortSignal
  /** Stops listening; if a signal came, ends the process by it. */
  end(): void
}

/** The parts of `process` this module uses, so that a test can emit signals and see how it ends. */
export interface ProcessLike {
  platform: NodeJS.Platform
  pid: number
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown
  removeListener(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown
  kill(pid: number, signal: NodeJS.Signals): unknown
  exit(code: number): unknown
}

/** The signals that stop a step on this platform. */
export function stopSignals(platform: NodeJS.Platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP']
}

/** `cleanup` must be synchronous: it may be the last thing that runs. It must not throw, or its error is swallowed. */
export function cancelOnSignals(cleanup: () => void, host: ProcessLike = process): Cancellation {
  const controller = new AbortController()
  const signals = stopSignals(host.platform)
  let received: NodeJS.Signals | undefined

  const stop = () => signals.forEach(name => host.removeListener(name, onSignal))
  const die = (signal: NodeJS.Signals) => {
    try {
      cleanup()
    } catch {
      // Nothing may keep the process from ending: the runner kills it a few seconds later anyway.
    }
    stop()
    endBy(signal, host)
  }
  function onSignal(signal: NodeJS.Signals): void {
    if (received) return die(signal)
    received = signal
    controller.abort(new CancelledError(signal))
    setTimeout(() => die(signal), GRACE_MS).unref()
  }
  signals.forEach(name => host.on(name, onSignal))

  return {
    signal: controller.signal,
    end() {
      if (received) return die(received)
      stop()
    }
  }
}

/**
 * Ends the process the way the signal would have. On POSIX that is the signal itself, re-raised
 * with our handlers gone. On Windows `process.kill(self, 'SIGINT')` is TerminateProcess with exit
 * code 1, and SIGBREAK can't be sent to oneself at all (libuv: ENOSYS), so the process exits with
 * the shell's code for the signal instead: 128 + its number (130 for SIGINT).
 */
function endBy(signal: NodeJS.Signals, host: ProcessLike): void {
  if (host.platform !== 'win32') {
    host.kill(host.pid, signal)
    return
  }
  host.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0))
}

/** Windows' numbers for the signals Node emulates there (os.constants.signals elsewhere lacks SIGBREAK). */
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15, SIGBREAK: 21 }
