// The benchmark's peer: what a user would build with the toolkit alone. The same two API calls as
// the action (run detail, export) with @actions/http-client, then @actions/tool-cache's
// downloadTool to the same path: no hash, no atomic rename. bench.js bundles it with ncc, like the
// action, and runs it the same way.
import { HttpClient } from '@actions/http-client'
import { downloadTool } from '@actions/tool-cache'

const { KEY, BASE, RUN, OUT } = process.env
const client = new HttpClient('bench-peer')
const headers = { authorization: `Bearer ${KEY}` }
const detail = await client.getJson(`${BASE}/api/v2/worker-runs/${RUN}`, headers)
if (detail.result?.data?.status !== 'succeeded') throw new Error(`run ${RUN} has not succeeded`)
const exported = await client.getJson(`${BASE}/api/v2/worker-runs/${RUN}/result/export?format=csv`, headers)
await downloadTool(exported.result.data.download_url, OUT)
