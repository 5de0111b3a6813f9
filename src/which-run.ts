/**
 * `run-id: last` and `run-id: last-succeeded`, pinned to one slug before anything else happens:
 * "last" moves as runs start, and waiting, exporting and the file name must all speak of one run.
 */
import { sameWorker, type CoreClawClient } from './coreclaw.js'
import { isRunSlug } from './coreclaw-contract.js'
import { CoreClawError } from './coreclaw-errors.js'
import { NoRunError } from './run-errors.js'
import type { Log } from './log.js'

/** `last` and `last-succeeded` are resolved to a concrete slug before anything else is done with them. */
export const LAST = 'last'
export const LAST_SUCCEEDED = 'last-succeeded'

export async function resolveRun(
  client: CoreClawClient,
  word: string,
  workerId: string | undefined,
  log: Log
): Promise<string> {
  const of = workerId ? ` of worker ${workerId}` : ''
  if (word === LAST) {
    const { data, requestId, status } = await client.getLastRun(workerId)
    const slug = data.slug
    if (slug === undefined || !isRunSlug(slug)) {
      throw new CoreClawError({
        operation: 'latest run request',
        status,
        appCode: 0,
        requestId,
        problem: 'the answer has no valid run slug'
      })
    }
    log.info(`run-id 'last'${of} is run ${slug}.`)
    return slug
  }
  // last-succeeded: the list's order is undocumented, so the newest is chosen by its own times. The
  // server was asked for this worker's succeeded runs; each run's own worker is checked all the same.
  const { data: runs } = await client.listSucceededRuns(workerId)
  const newest = runs
    .filter(run => isRunSlug(run.slug) && (!workerId || sameWorker(run.worker, workerId)))
    .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || (b.startedAt ?? 0) - (a.startedAt ?? 0))[0]
  if (!newest) throw new NoRunError(workerId)
  const when = newest.finishedAt ? `, finished ${new Date(newest.finishedAt).toISOString().replace('.000Z', 'Z')}` : ''
  log.info(`run-id 'last-succeeded'${of} is run ${newest.slug}${when}.`)
  return newest.slug
}
