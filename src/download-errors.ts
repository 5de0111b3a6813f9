/** What the download and the file on disk can fail with: the storage host's answer, the destination, the disk. */
import { ActionError } from './errors.js'
import { isRetryableStatus } from './http-errors.js'
import type { Vocabulary } from './log.js'

export type DownloadProblem = 'http' | 'expired' | 'truncated' | 'encoding' | 'length' | 'checksum' | 'bomb'

/** The storage host's answer was not the whole file, or not a file we can store as asked. */
export interface DownloadErrorFields {
  problem: DownloadProblem
  detail: string
  /** The storage host's HTTP status, when it answered with one. */
  status?: number
  retryAfterMs?: number
  /** The storage host's own error code (S3, Azure, GCS: `SignatureDoesNotMatch`, `AccessDenied`, …). */
  storageCode?: string
}

export class DownloadError extends ActionError {
  override readonly name: string = 'DownloadError'
  override readonly retryable: boolean
  readonly problem: DownloadProblem
  readonly detail: string
  readonly status?: number
  override readonly retryAfterMs?: number
  readonly storageCode?: string

  constructor({ problem, detail, status, retryAfterMs, storageCode }: DownloadErrorFields) {
    super(`download failed: ${detail}`)
    this.problem = problem
    this.detail = detail
    this.status = status
    this.retryAfterMs = retryAfterMs
    this.storageCode = storageCode
    this.retryable =
      problem === 'truncated' ||
      problem === 'length' ||
      problem === 'checksum' ||
      (problem === 'http' && status !== undefined && isRetryableStatus(status))
  }

  advice(say: Vocabulary): string {
    const retried = `it is retried up to ${say.input('max-attempts')} times`
    switch (this.problem) {
      case 'expired':
        return this.storageCode && /Signature|AuthenticationFailed/i.test(this.storageCode)
          ? "The storage host says the link's signature does not match, even for a fresh link: the runner's clock may be off, or a proxy may rewrite the requests. Check both, then run the job again."
          : 'The signed download link expired or was refused even after a fresh export; run the job again.'
      case 'checksum':
        return `The file did not arrive as the storage host sent it (a corrupt transfer); ${retried}.`
      case 'bomb':
        return 'The storage host sent a compressed body that expands out of all proportion, as no export does; it was refused. Contact CoreClaw support with the request id.'
      case 'truncated':
        return `The connection to the storage host broke during the download; ${retried}.`
      case 'length':
        return `The storage host sent a different number of bytes than it announced; ${retried}.`
      case 'encoding':
        return 'The storage host compressed the file in a way the action cannot decode; contact CoreClaw support with the request id.'
      case 'http':
        return 'The storage host refused the download; run the job again, and contact CoreClaw support if it persists.'
    }
  }
}

/** An empty export with `if-empty: error`: the destination was left as it was. */
export class EmptyExportError extends ActionError {
  override readonly name: string = 'EmptyExportError'
  constructor(
    readonly runId: string,
    readonly reason: string
  ) {
    super(`the export of run ${runId} is empty: ${reason}; nothing was written`)
  }

  advice(say: Vocabulary): string {
    return `Check the run's input and log in the CoreClaw console. If an empty result is fine, set ${say.set('if-empty', 'warn')} or ${say.set('if-empty', 'ignore')}.`
  }
}

/** Refusing to replace a file the user asked us to keep. */
export class DestinationExistsError extends ActionError {
  override readonly name: string = 'DestinationExistsError'
  constructor(readonly path: string) {
    super(`${path} already exists and overwriting is off; it was left untouched`)
  }

  advice(say: Vocabulary): string {
    return `Set ${say.set('overwrite', 'true')}, or choose another ${say.input('path')}.`
  }
}

/** Windows would not let the file replace the destination: another program holds it, or it is read-only. */
export class DestinationHeldError extends ActionError {
  override readonly name: string = 'DestinationHeldError'
  constructor(
    readonly path: string,
    readonly code: string
  ) {
    super(`Windows would not replace ${path} (${code}): another program has it open, or it is read-only`)
  }

  advice(say: Vocabulary): string {
    return `Close what holds it (a spreadsheet, a process left by an earlier step; an antivirus scan usually ends within seconds), clear its read-only attribute, or choose another ${say.input('path')}.`
  }
}

/** Writing the file failed on the runner's side: permissions, disk space, a bad path. */
export class FileSystemError extends ActionError {
  override readonly name: string = 'FileSystemError'
  readonly code?: string
  constructor(
    readonly path: string,
    cause: NodeJS.ErrnoException | string,
    detail?: string
  ) {
    const code = typeof cause === 'string' ? undefined : cause.code
    super(
      `could not write ${path}: ${typeof cause === 'string' ? cause : (code ?? cause.message)}${detail ? ` (${detail})` : ''}`
    )
    this.code = code
  }

  advice(say: Vocabulary): string {
    return this.code === 'EFBIG' || this.code === 'ENOSPC' || this.code === 'EDQUOT'
      ? `The runner's disk is full or a file-size limit was reached: free space (or raise the limit), or choose another ${say.input('path')}.`
      : `Check ${say.input('path')}, the folder's permissions and the runner's free disk space.`
  }
}
