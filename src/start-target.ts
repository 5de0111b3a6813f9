/** What a start request asked for: a worker or a saved task. */
export type StartTarget = { workerId: string } | { taskId: string }

export function describeTarget(target: StartTarget): string {
  return 'workerId' in target ? `worker ${target.workerId}` : `task ${target.taskId}`
}
