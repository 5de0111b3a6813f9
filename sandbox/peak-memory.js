// Preloaded into the action's process (NODE_OPTIONS=--import) by tests that bound its memory: on
// exit, writes the process's peak resident set size, in KiB, to the file CORECLAW_PEAK_RSS_FILE
// names. The kernel's own figure (getrusage), so it counts whatever the process allocated.
import { writeFileSync } from 'node:fs'

const file = process.env.CORECLAW_PEAK_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
