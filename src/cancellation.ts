/**
 * The runner cancels a step with SIGINT, then SIGTERM about 7.5 s later. Node's default is to die
 * at once, which would leave a temporary file behind. Here the first signal aborts the step's
 * AbortSignal: requests stop, the download removes its temporary file, and the action reports.
 * Then the process ends by the same signal, so the runner sees what happened. A second signal, or
 * a step that is still busy after a grace period, cuts the cleanup short.
 */
import { CancelledError } from './errors.js'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const
/**
 * Long enough for a step that started a run to send the abort (3 s at most, main.ts), short enough
 * to end well before the runner's SIGTERM, 7.5 s after its SIGINT.
 */
const GRACE_MS = 5000

export interface Cancellation {
  readonly signal: AbortSignal
  /** Stops listening; if a signal came, ends the process by it. */
  end(): void
}

/** `cleanup` must be synchronous: it may be the last thing that runs. */
export function cancelOnSignals(cleanup: () => void): Cancellation {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined

  const stop = () => SIGNALS.forEach(name => process.removeListener(name, onSignal))
  const die = (signal: NodeJS.Signals) => {
    cleanup()
    stop()
    process.kill(process.pid, signal)
  }
  function onSignal(signal: NodeJS.Signals): void {
    if (received) return die(signal)
    received = signal
    controller.abort(new CancelledError(signal))
    setTimeout(() => die(signal), GRACE_MS).unref()
  }
  SIGNALS.forEach(name => process.on(name, onSignal))

  return {
    signal: controller.signal,
    end() {
      if (received) return die(received)
      stop()
    }
  }
}
