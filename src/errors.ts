/**
 * Every failure the action can report is a value with fields: the message is derived from the
 * fields, and `advice` tells the user what to do next, in the words of whoever reads it (a step's
 * inputs in a workflow, options and CORECLAW_API_KEY on the command line). Server text in a
 * message has passed through `forLog` (server-text.ts); nothing here ever holds the API key or a
 * signed URL's query string. This module holds the base and the errors every layer shares; each
 * layer raises its own from a module beside it: http-errors.ts, coreclaw-errors.ts,
 * download-errors.ts, run-errors.ts.
 */
import type { InputName } from './input-table.js'
import { STEP_INPUTS, type Vocabulary } from './log.js'

/** The message as a sentence: one full stop at the end, never two. */
export function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`
}

/** Something the caller can retry, and when the server asked us to. */
export interface Retryable {
  readonly retryable: boolean
  readonly retryAfterMs?: number
}

export abstract class ActionError extends Error implements Retryable {
  readonly retryable: boolean = false
  readonly retryAfterMs?: number
  readonly requestId?: string

  /** What to do next, in the reader's words. */
  abstract advice(say: Vocabulary): string

  /** What to do next, as a workflow's author reads it. */
  get hint(): string {
    return this.advice(STEP_INPUTS)
  }
}

/**
 * An input that can't be used. The message says what is wrong with it; the advice what it takes
 * ("Set 'format' to csv, json, …"), or `todo` where the fix is not a value for this input.
 */
export class InputError extends ActionError {
  override readonly name: string = 'InputError'
  constructor(
    readonly input: InputName,
    readonly problem: string,
    readonly accepted: string,
    readonly todo?: string
  ) {
    super(`Input '${input}' ${problem}`)
  }

  advice(say: Vocabulary): string {
    return this.todo ? sentence(this.todo) : `Set ${say.input(this.input)} to ${sentence(this.accepted)}`
  }
}

/** The step was cancelled (SIGINT or SIGTERM from the runner). */
export class CancelledError extends ActionError {
  override readonly name: string = 'CancelledError'
  constructor(
    readonly signal?: string,
    /**
     * The request the cancellation cut before its connection was made (a proxy's CONNECT still
     * waiting): none of its bytes left, so the server did nothing. The phase rule, as for NetworkError.
     */
    readonly unsentOperation?: string
  ) {
    super(
      `cancelled${signal ? ` by ${signal}` : ''}${unsentOperation ? ` before the ${unsentOperation} was sent` : ''}`
    )
  }

  /** The same cancellation, for a request it cut before any of it was sent. */
  beforeSending(operation: string): CancelledError {
    return new CancelledError(this.signal, operation)
  }

  advice(): string {
    return this.unsentOperation
      ? `The ${this.unsentOperation} never reached CoreClaw, so nothing was started; nothing was written, and any previous file was kept.`
      : 'Nothing was written, and any previous file was kept.'
  }
}

/** A retryable failure that kept happening until the attempts ran out. */
export class AttemptsExhaustedError extends ActionError {
  override readonly name: string = 'AttemptsExhaustedError'
  override readonly requestId?: string
  constructor(
    readonly attempts: number,
    readonly last: ActionError
  ) {
    super(`gave up after ${attempts} attempts; the last one: ${last.message}`)
    this.requestId = last.requestId
  }

  advice(say: Vocabulary): string {
    return this.last.advice(say)
  }
}

/** Wraps anything unexpected so it can be reported the same way. */
export function asActionError(error: unknown): ActionError {
  if (error instanceof ActionError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new UnexpectedError(message)
}

export class UnexpectedError extends ActionError {
  override readonly name: string = 'UnexpectedError'
  advice(): string {
    return 'This looks like a bug in the action: please report it with the log of this step.'
  }
}
