/** Where progress and warnings go: the Actions log, or stderr for the CLI. */
export interface Log {
  info(message: string): void
  warning(message: string): void
  group<T>(title: string, work: () => Promise<T>): Promise<T>
}
