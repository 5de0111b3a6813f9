// @ts-check
// A CoreClaw API v2 sandbox on loopback, shared by the tests, the demo, the benchmark and the
// self-test workflow. It speaks CoreClaw's API v2 contract: the envelope,
// the three auth modes, run detail / last / export, and a signed-URL storage host on another
// host name. Faults are queued per route, so a test says exactly what goes wrong and when.
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import { fileURLToPath } from 'node:url'
import * as zlib from 'node:zlib'

export const SANDBOX_API_KEY = 'cc_sandbox_key_7f3a9d'

/** The worker and the saved task a sandbox offers unless a test gives its own. */
export const DEMO_WORKER = { id: 'coreclaw/google-maps-scraper', slug: 'google-maps-scraper' }
export const DEMO_TASK = '01KKTASK0COFFEE0NEWYORK0001'

/** The demo worker's input schema: it describes input.parameters.custom, as CoreClaw's form fields. */
export const DEMO_SCHEMA = {
  type: 'object',
  properties: {
    keywords: { type: 'array', items: { type: 'string' }, minItems: 1 },
    base_location: { type: 'string' },
    max_results: { type: 'integer', minimum: 1, maximum: 500 }
  },
  required: ['keywords']
}

/** The rows a run returns unless a test gives its own. */
export const SAMPLE_ROWS = [
  { title: 'Blue Bottle Coffee', address: '1 Ferry Building, San Francisco', rating: 4.6, reviews: 2381 },
  { title: 'Café "Le Nord", Paris', address: '12 Rue de Rivoli\nParis', rating: 4.2, reviews: 97 },
  { title: 'Tōkyō Kissa', address: '3-1 Shibuya, Tokyo', rating: 4.8, reviews: 512 }
]

/**
 * The self-signed certificate of HTTPS storage: for 127.0.0.1, 127.0.0.2, localhost and the
 * *.coreclaw.test names. A test makes the action trust it with NODE_EXTRA_CA_CERTS. Test use only:
 * its key is public, in this repository.
 */
export const SANDBOX_CA = fileURLToPath(new URL('tls/cert.pem', import.meta.url))

/** Storage lives on another host name than the API, like real object storage does. */
export const DEFAULT_STORAGE_HOST = process.platform === 'linux' ? '127.0.0.2' : 'localhost'

/**
 * @typedef {{ slug: string, statuses?: string[], status?: string, results?: number, rows?: object[],
 *   size?: number, distinct?: boolean, errMsg?: string, worker?: string, startedAtMs?: number,
 *   durationMs?: number, aborted?: boolean, log?: Array<string | object>, logTail?: number,
 *   logObjects?: boolean, input?: unknown, task?: string, version?: string, finishedAt?: number,
 *   startedAt?: number, bytes?: Buffer }} RunSpec
 *   finishedAt/startedAt: the run's times in unix seconds, as the list of runs and the detail give them.
 *   startedAtMs/durationMs: a run started through the API, whose status follows the clock.
 *   `statuses` are served one per run-detail request; the last one then stays.
 *   `bytes` is the export itself, whatever the format asked (a benchmark's million-row CSV).
 *   `size` makes the export a generated CSV of exactly that many bytes (for big files); `distinct`
 *   numbers each of its 1 MiB pieces.
 * @typedef {{ status?: number, code?: number, message?: string, details?: unknown, body?: string,
 *   headers?: Record<string, string>, reset?: boolean, hang?: boolean, truncateAt?: number,
 *   stallAfter?: number, trickleMs?: number, trickleBytes?: number, expire?: boolean,
 *   redirect?: boolean | string, chunked?: boolean, encoding?: string, envelope?: object,
 *   raw?: string | Buffer, rawHang?: boolean, bytes?: Buffer, chunkBytes?: number, startsRun?: boolean }} Fault
 *   envelope: the API answers exactly this JSON (with `status`, default 200): a hostile or odd server;
 *   truncateAt: close after that many bytes; stallAfter: go silent after that many bytes;
 *   trickleMs: send pieces of trickleBytes (default 32) this far apart: slow but moving (an API
 *   answer too: a success envelope for the route, trickled);
 *   encoding: send the download with that Content-Encoding (gzip, deflate and br are really
 *   compressed; any other name is sent as a label on the plain bytes);
 *   chunked: send the download without Content-Length (chunked);
 *   redirect: true for a 302 to the same file elsewhere on storage, or the Location to send;
 *   raw: bytes written to the socket as they are (then closed, unless rawHang);
 *   bytes: a 200 (or `status`) with exactly these bytes and `headers`;
 *   chunkBytes: the download, written this many bytes per write.
 *   startsRun: with a start-route fault, the run is created first and the fault is the answer (a
 *   502 after the run exists, or a reset after the request was read): the lost-answer cases.
 * @typedef {{ size: number, chunks: () => Buffer[], piece?: (index: number) => Buffer }} Content
 *   An export's bytes: `chunks()` all of them, or `piece(i)` the i-th MiB of a generated one.
 * @typedef {'run' | 'last' | 'list' | 'export' | 'download' | 'start' | 'schema' | 'log' | 'abort' | 'task'} Route
 * @typedef {{ server: 'api' | 'storage', method: string, path: string, query: Record<string, string>,
 *   headers: http.IncomingHttpHeaders, route: Route | 'unknown', body?: string, at: number }} Seen
 * @typedef {{ id: string, slug?: string, schema?: object | null, rows?: object[], durationMs?: number,
 *   log?: Array<string | object>, logTail?: number, logObjects?: boolean }} WorkerSpec
 *   A worker runs can be started on: `id` is owner/name, `slug` another name for it. Its runs go
 *   ready → running → succeeded over `durationMs` (default: the sandbox's runDurationMs), their log
 *   growing entry by entry; `logTail` serves only the last that many entries (a moving tail),
 *   `logObjects` serves entries as {type, group, content, timestamp}. `schema` is its input
 *   schema (null: the answer has none).
 */

/**
 * @param {{ apiKey?: string, host?: string, port?: number, storageHost?: string, storagePort?: number,
 *   publicApiUrl?: string, publicStorageUrl?: string, runs?: RunSpec[], storageTls?: boolean,
 *   storageBytesPerSecond?: number, workers?: WorkerSpec[], tasks?: Array<{ id: string, worker: string }>,
 *   runDurationMs?: number, storageChunkBytes?: number, storageBurst?: boolean, runSlugs?: string[] }} [options]
 *   runSlugs: the slugs runs started through the API get, in order (random ones after them).
 *   storageChunkBytes: storage writes every download this many bytes at a time (benchmarks of tiny chunks).
 *   storageBurst: storage sends every download as 1-byte chunks, all in one write (see burstOf).
 *   storageTls: storage speaks HTTPS with the test-only certificate in sandbox/tls (see SANDBOX_CA).
 *   storageBytesPerSecond: storage sends no faster than this, like a runner's real link (benchmarks).
 */
export async function startSandbox(options = {}) {
  const apiKey = options.apiKey ?? SANDBOX_API_KEY
  /** @type {Map<string, RunSpec & { polls: number }>} */
  const runs = new Map()
  /** @type {Map<string, { slug: string, format: string, keys: string[], signature: string, dead: boolean }>} */
  const links = new Map()
  /** @type {Record<Route, Fault[]>} */
  const faults = {
    run: [],
    last: [],
    list: [],
    export: [],
    download: [],
    start: [],
    schema: [],
    log: [],
    abort: [],
    task: []
  }
  /** @type {Map<string, WorkerSpec>} */
  const workers = new Map()
  for (const worker of options.workers ?? [DEMO_WORKER]) {
    workers.set(worker.id, worker)
    if (worker.slug) workers.set(worker.slug, worker)
  }
  const tasks = new Map((options.tasks ?? [{ id: DEMO_TASK, worker: DEMO_WORKER.id }]).map(task => [task.id, task]))
  const nextSlugs = [...(options.runSlugs ?? [])]
  /** Start bodies the OpenAPI check refused, for a test to see that the check fires. */
  /** @type {Array<string | undefined>} */
  const refusedBodies = []
  /** @type {Seen[]} */
  const requests = []
  const sockets = new Set()
  let requestCounter = 0

  const api = http.createServer((req, res) => handleApi(req, res))
  // Like a stuck server behind a load balancer, the API keeps a connection it has not answered
  // even after the client half-closes it, so a client that only calls socket.end() stays stuck.
  Object.assign(api, { httpAllowHalfOpen: true })
  const storage = options.storageTls
    ? https.createServer(
        { key: readFileSync(new URL('tls/key.pem', import.meta.url)), cert: readFileSync(SANDBOX_CA) },
        (req, res) => handleStorage(req, res)
      )
    : http.createServer((req, res) => handleStorage(req, res))
  for (const server of [api, storage]) {
    server.on('connection', socket => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
  }
  const apiAddress = await listen(api, options.port ?? 0, options.host ?? '127.0.0.1')
  const storageAddress = await listen(storage, options.storagePort ?? 0, options.storageHost ?? DEFAULT_STORAGE_HOST)
  const apiUrl = options.publicApiUrl ?? `http://${apiAddress}`
  const storageUrl = options.publicStorageUrl ?? `${options.storageTls ? 'https' : 'http'}://${storageAddress}`

  function addRun(/** @type {RunSpec} */ spec) {
    runs.set(spec.slug, { results: spec.rows?.length ?? SAMPLE_ROWS.length, ...spec, polls: 0 })
  }
  for (const spec of options.runs ?? []) addRun(spec)

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function handleApi(req, res) {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const { route, rest } = apiRoute(
      req.method ?? 'GET',
      url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    )
    const seen = record('api', req, url, route)
    if (route === 'start') {
      // The body is read before anything is answered, as a real server does: a fault that cuts
      // the connection then comes after CoreClaw could have acted on the request.
      /** @type {Buffer[]} */
      const chunks = []
      req.on('data', chunk => chunks.push(chunk))
      req.on('end', () => {
        seen.body = Buffer.concat(chunks).toString('utf8')
        answerApi(req, res, url, route, rest, seen.body)
      })
      return
    }
    req.resume()
    answerApi(req, res, url, route, rest, undefined)
  }

  /**
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {URL} url
   * @param {Route | 'unknown'} route @param {string[]} rest @param {string | undefined} body
   */
  function answerApi(req, res, url, route, rest, body) {
    const requestId = `req-sandbox-${++requestCounter}`
    /** @param {number} status @param {object} body @param {Record<string, string>} [headers] */
    const reply = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify({ ...body, request_id: requestId }))
    }
    /** @param {number} status @param {number} code @param {string} message @param {unknown} [details] */
    const fail = (status, code, message, details = null) => reply(status, { code, message, details })
    /** @param {unknown} data */
    const ok = data => reply(200, { code: 0, data, message: 'success' })

    if (route === 'unknown') return fail(404, 11004, `no such API path: ${req.method} ${url.pathname}`)
    const fault = faults[route].shift()
    if (fault && !fault.startsRun && serveFault(fault, req, res, requestId)) return

    const given = credentials(req, url)
    // The input schema is public (security: [] in the OpenAPI); a key sent anyway must be right.
    if (given.length === 0 && route !== 'schema') return fail(400, 12001, 'missing api key')
    if (given.some(key => key !== apiKey)) return fail(401, 12002, 'invalid token')

    if (route === 'schema') {
      const worker = workers.get(rest[1].replace('~', '/'))
      if (!worker) return fail(404, 50001, 'worker not found')
      return ok(worker.schema === null ? {} : { input_schema: worker.schema ?? DEMO_SCHEMA })
    }
    if (route === 'task') {
      const task = tasks.get(rest[1])
      if (!task) return fail(404, 60001, 'task not found')
      const worker = workers.get(task.worker)
      return ok({
        slug: task.id,
        title: 'Saved task',
        worker_path: task.worker.replace('/', '~'),
        worker_slug: worker?.slug
      })
    }
    if (route === 'start') {
      const isTask = rest[0] === 'worker-tasks'
      const problems = startBodyProblems(body, isTask, req.headers['content-type'])
      if (problems.length) {
        refusedBodies.push(body)
        return fail(400, 11000, 'invalid argument', problems)
      }
      const task = isTask ? tasks.get(rest[1]) : undefined
      if (isTask && !task) return fail(404, 60001, 'task not found')
      const worker = workers.get(task ? task.worker : rest[1].replace('~', '/'))
      if (!worker) return fail(404, 50001, 'worker not found')
      const slug = nextSlugs.shift() ?? newRunSlug()
      const parsed = JSON.parse(body ?? '')
      addRun({
        slug,
        worker: worker.id,
        rows: worker.rows,
        startedAtMs: Date.now(),
        durationMs: worker.durationMs ?? options.runDurationMs ?? 1500,
        log: worker.log,
        logTail: worker.logTail,
        logObjects: worker.logObjects,
        input: isTask ? 'task' : parsed.input,
        task: task?.id,
        version: parsed.version
      })
      if (fault?.startsRun && serveFault(fault, req, res, requestId)) return
      return ok({ run_slug: slug })
    }

    if (route === 'list') {
      // In the order runs were added: CoreClaw documents no order, so the action must not rely on one.
      const status = url.searchParams.get('status')
      const worker = url.searchParams.get('worker_id')?.replace('~', '/')
      const limit = Number(url.searchParams.get('limit') ?? 20)
      if (!(limit >= 1 && limit <= 100))
        return fail(400, 11000, 'invalid argument', [{ field: 'limit', reason: '1 to 100' }])
      const list = [...runs.values()]
        .filter(run => (!status || currentStatus(run) === status) && (!worker || run.worker === worker))
        .slice(0, limit)
        .map(detail)
      return ok({ count: list.length, list })
    }
    if (route === 'last') {
      // Worker ids travel as owner~name.
      const worker = rest[0] === 'workers' ? rest[1].replace('~', '/') : undefined
      const latest = [...runs.values()].filter(run => !worker || run.worker === worker).at(-1)
      if (!latest) return worker ? fail(404, 50001, 'worker not found') : fail(404, 70001, 'run not found')
      return ok(detail(latest))
    }
    const run = runs.get(rest[1])
    if (!run) return fail(400, 70001, 'run not found')
    if (route === 'run') {
      run.polls++
      return ok(detail(run))
    }
    if (route === 'log') return ok(logOf(run, storageUrl))
    if (route === 'abort') {
      const status = currentStatus(run)
      if (status !== 'ready' && status !== 'running') return fail(400, 70002, `run is ${status}, not running`)
      run.aborted = true
      return ok({})
    }
    // export
    const format = (url.searchParams.get('format') ?? 'csv').toLowerCase()
    if (!FORMATS.includes(format))
      return fail(400, 11000, 'invalid argument', [{ field: 'format', reason: `unsupported: ${format}` }])
    if (currentStatus(run) !== 'succeeded') return fail(400, 70002, 'run is not finished')
    const keys = (url.searchParams.get('filter_keys') ?? '').split(',').filter(Boolean)
    // Like the API: a key that is not a field of the run's results is an invalid argument.
    const known =
      run.size === undefined && run.bytes === undefined
        ? new Set((run.rows ?? SAMPLE_ROWS).flatMap(row => Object.keys(row)))
        : null
    const unknown = known ? keys.filter(key => !known.has(key)) : []
    if (unknown.length)
      return fail(400, 11000, 'invalid argument', [
        { field: 'filter_keys', reason: `unknown keys: ${unknown.join(',')}` }
      ])
    const id = randomUUID()
    const signature = randomBytes(20).toString('hex')
    links.set(id, { slug: run.slug, format, keys, signature, dead: false })
    const downloadUrl = `${storageUrl}/export/exported_result_${format}_${id}.${format}?q-sign-algorithm=sha1&q-ak=AKIDsandbox&q-key-time=1700000000%3B1700003600&q-signature=${signature}`
    return ok({ download_url: downloadUrl })
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function handleStorage(req, res) {
    const url = new URL(req.url ?? '/', 'http://storage')
    record('storage', req, url, 'download')
    const match = /^\/(export|moved)\/exported_result_[a-z]+_([0-9a-f-]+)\.[a-z]+$/.exec(url.pathname)
    const link = match && links.get(match[2])
    /** @param {number} status @param {string} code */
    const denied = (status, code) => {
      res.writeHead(status, { 'content-type': 'application/xml' })
      res.end(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`)
    }
    if (!link) return denied(404, 'NoSuchKey')
    if (url.searchParams.get('q-signature') !== link.signature) return denied(403, 'SignatureDoesNotMatch')
    // Object storage rejects a request that carries a second authentication mechanism.
    if (req.headers.authorization || req.headers['api-key'] || url.searchParams.has('token')) {
      return denied(400, 'InvalidArgument: multiple authentication mechanisms')
    }
    if (link.dead) return denied(403, 'AccessDenied: Request has expired')
    const fault = faults.download.shift()
    if (fault?.expire) {
      link.dead = true
      return denied(403, 'AccessDenied: Request has expired')
    }
    if (fault?.redirect) {
      const moved = `${storageUrl}/moved/${url.pathname.split('/').pop()}${url.search}`
      res.writeHead(302, { location: typeof fault.redirect === 'string' ? fault.redirect : moved })
      return res.end()
    }
    if (fault && serveFault(fault, req, res)) return
    const run = runs.get(link.slug)
    if (fault?.encoding) return sendEncoded(exportContent(run, link.format, link.keys), fault.encoding, res)
    const content = exportContent(run, link.format, link.keys)
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[link.format],
      // Without a length, node:http sends the body chunked.
      ...(!fault?.chunked && { 'content-length': String(content.size) })
    })
    if (fault?.trickleMs)
      return trickle(Buffer.concat(content.chunks()), res, fault.trickleMs, fault.trickleBytes ?? 32)
    if (options.storageBurst) {
      req.socket.write(burstOf(Buffer.concat(content.chunks()), CONTENT_TYPES[link.format]))
      return req.socket.end()
    }
    const pieces = fault?.chunkBytes ?? options.storageChunkBytes
    if (pieces) return writeInPieces(Buffer.concat(content.chunks()), res, pieces)
    const limit = fault?.truncateAt ?? fault?.stallAfter
    streamContent(content, res, options.storageBytesPerSecond, limit, () => {
      // end(), not destroy(): the partial body is flushed, then the connection closes early.
      if (fault && 'truncateAt' in fault) res.socket?.end()
      // stallAfter: keep the connection open and silent.
    })
  }

  /**
   * @param {Fault} fault @param {http.IncomingMessage} req @param {http.ServerResponse} res
   * @param {string} [requestId] set for an API answer, whose envelope carries it
   */
  function serveFault(fault, req, res, requestId) {
    if (fault.raw !== undefined) {
      // Bytes straight onto the socket, for answers node:http would not write (a 101, a body with
      // neither a length nor chunked framing).
      req.socket.write(fault.raw)
      if (!fault.rawHang) req.socket.end()
      return true
    }
    if (fault.bytes !== undefined) {
      res.writeHead(fault.status ?? 200, { 'content-length': String(fault.bytes.length), ...fault.headers })
      res.end(fault.bytes)
      return true
    }
    if (fault.envelope) {
      res.writeHead(fault.status ?? 200, { 'content-type': 'application/json', ...fault.headers })
      res.end(JSON.stringify(fault.envelope))
      return true
    }
    if (fault.trickleMs && requestId) {
      // An API answer that keeps coming, slowly: every piece resets an idle timer, never a deadline.
      const body = JSON.stringify({ code: 0, data: {}, message: 'success', request_id: requestId })
      res.writeHead(200, { 'content-type': 'application/json' })
      trickle(Buffer.from(body), res, fault.trickleMs, fault.trickleBytes ?? 1)
      return true
    }
    if (fault.reset) {
      req.socket.destroy()
      return true
    }
    if (fault.hang) return true
    if (fault.body !== undefined) {
      res.writeHead(fault.status ?? 502, { 'content-type': 'text/html', ...fault.headers })
      res.end(fault.body)
      return true
    }
    if (fault.status !== undefined) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
      const body = {
        code: fault.code ?? 10000,
        message: fault.message ?? 'error',
        details: fault.details ?? null,
        ...(requestId && { request_id: requestId })
      }
      res.end(JSON.stringify(body))
      return true
    }
    return false
  }

  /**
   * @param {Seen['server']} server @param {http.IncomingMessage} req @param {URL} url @param {Seen['route']} route
   * @returns {Seen}
   */
  function record(server, req, url, route) {
    const seen = {
      server,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      route,
      at: Date.now()
    }
    requests.push(seen)
    return seen
  }

  return {
    apiKey,
    apiUrl,
    storageUrl,
    /** Where the servers really listen ("address:port"), for a proxy to map public names to. */
    apiAddress,
    storageAddress,
    /** Every request either server received, in order. */
    requests,
    addRun,
    /** Queue faults for a route; each request to that route takes the next one. */
    fail(/** @type {Route} */ route, /** @type {Fault[]} */ ...queued) {
      faults[route].push(...queued)
    },
    /** Runs the sandbox holds, started ones included, by slug. */
    runs,
    /** Start bodies that the OpenAPI check refused. */
    refusedBodies,
    /** Requests to one route, e.g. seen('export'). */
    seen(/** @type {Route | 'unknown'} */ route) {
      return requests.filter(r => r.route === route)
    },
    /** The exact bytes a run's export has, for comparing with what landed on disk. */
    /** @param {string} slug @param {string} format @param {string[]} [keys] */
    expectedBytes(slug, format, keys = []) {
      const content = exportContent(runs.get(slug), format, keys)
      return Buffer.concat(content.chunks())
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await Promise.all([api, storage].map(server => new Promise(resolve => server.close(() => resolve(undefined)))))
    }
  }
}

const FORMATS = ['csv', 'json', 'jsonl', 'xlsx', 'xls', 'xml', 'html', 'rss']
/** The sample rows as workbooks, made once (with SheetJS) and committed: read once, served from memory. */
const WORKBOOKS = Object.fromEntries(
  ['xlsx', 'xls'].map(format => [format, readFileSync(new URL(`workbooks/sample.${format}`, import.meta.url))])
)

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  xml: 'application/xml',
  html: 'text/html',
  rss: 'application/rss+xml'
}

/**
 * Maps a method and `/api/v2/...` path segments to a route and the segments after `/api/v2`.
 * @param {string} method @param {string[]} segments @returns {{ route: Route | 'unknown', rest: string[] }}
 */
function apiRoute(method, segments) {
  const [api, version, ...rest] = segments
  const [first, , third, fourth] = rest
  const get = method === 'GET'
  const post = method === 'POST'
  /** @type {Route | 'unknown'} */
  let route = 'unknown'
  if (api !== 'api' || version !== 'v2') route = 'unknown'
  else if (get && first === 'worker-runs' && rest[1] === 'last' && rest.length === 2) route = 'last'
  else if (get && first === 'workers' && third === 'runs' && fourth === 'last' && rest.length === 4) route = 'last'
  else if (get && first === 'worker-runs' && rest.length === 2) route = 'run'
  else if (get && first === 'worker-runs' && rest.length === 1) route = 'list'
  else if (get && first === 'worker-runs' && third === 'result' && fourth === 'export' && rest.length === 4)
    route = 'export'
  else if (get && first === 'worker-runs' && third === 'log' && rest.length === 3) route = 'log'
  else if (post && first === 'worker-runs' && third === 'abort' && rest.length === 3) route = 'abort'
  else if (get && first === 'workers' && third === 'input-schema' && rest.length === 3) route = 'schema'
  else if (get && first === 'worker-tasks' && rest.length === 2) route = 'task'
  else if (post && (first === 'workers' || first === 'worker-tasks') && third === 'runs' && rest.length === 3)
    route = 'start'
  return { route, rest }
}

/**
 * What CoreClaw's OpenAPI refuses in a start body: RunWorkerRequest and RunTaskRequest are JSON
 * objects with `additionalProperties: false`; a task takes no `input` and no `version`.
 *
 * @param {string | undefined} body @param {boolean} isTask @param {string | undefined} contentType
 * @returns {Array<{ field: string, reason: string }>}
 */
function startBodyProblems(body, isTask, contentType) {
  if (!/^application\/json\b/.test(contentType ?? ''))
    return [{ field: 'body', reason: 'Content-Type must be application/json' }]
  let parsed
  try {
    parsed = JSON.parse(body ?? '')
  } catch {
    return [{ field: 'body', reason: 'not JSON' }]
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return [{ field: 'body', reason: 'not an object' }]
  /** @type {Record<string, (value: any) => boolean>} */
  const types = {
    callback_url: v => typeof v === 'string',
    is_async: v => typeof v === 'boolean',
    limit: v => Number.isInteger(v) && v >= 1 && v <= 100,
    offset: v => Number.isInteger(v) && v >= 0,
    ...(!isTask && { input: () => true, version: v => typeof v === 'string' })
  }
  return Object.entries(parsed).flatMap(([field, value]) =>
    !(field in types)
      ? [{ field, reason: 'additional property not allowed' }]
      : !types[field](value)
        ? [{ field, reason: 'wrong type or range' }]
        : []
  )
}

/** ULID-like, like CoreClaw's run slugs. */
function newRunSlug() {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
  return Array.from(randomBytes(26), byte => alphabet[byte % 32]).join('')
}

/** Log entries a started run writes, one after another over its run time. */
const DEFAULT_LOG = [
  'Worker started',
  'Opening the search page',
  'Found 3 places, reading their details',
  'Saved 3 results',
  'Worker finished'
]

/**
 * The run's log as CoreClaw serves it: what has been written so far, or its tail.
 * @param {RunSpec} run @param {string} storageUrl
 */
function logOf(run, storageUrl) {
  const all = run.log ?? DEFAULT_LOG
  const written = run.startedAtMs === undefined ? all.length : Math.ceil(all.length * progressOf(run))
  const visible = all
    .slice(0, Math.max(1, written))
    .map((entry, index) =>
      run.logObjects && typeof entry === 'string'
        ? { type: 'info', group: 'worker', content: entry, timestamp: 1764300000000 + index * 1000 }
        : entry
    )
  return {
    list: run.logTail ? visible.slice(-run.logTail) : visible,
    result_count: detail(run).results,
    // Signed, like a download link: the action must never print or follow it.
    all_logs_url: `${storageUrl}/logs/${run.slug}.log?q-signature=logsignature`
  }
}

/**
 * How far a started run has come, 0 to 1, by the time since it started.
 * @param {RunSpec} run
 */
function progressOf(run) {
  return Math.min(1, (Date.now() - (run.startedAtMs ?? 0)) / (run.durationMs ?? 1))
}

/** @param {http.IncomingMessage} req @param {URL} url @returns {string[]} */
function credentials(req, url) {
  const given = []
  const auth = req.headers.authorization
  if (auth) given.push(auth.startsWith('Bearer ') ? auth.slice(7) : '')
  if (req.headers['api-key'] !== undefined) given.push(String(req.headers['api-key']))
  if (url.searchParams.has('token')) given.push(url.searchParams.get('token') ?? '')
  return given
}

/** @param {RunSpec & { polls?: number }} run @returns {string} */
function currentStatus(run) {
  if (run.aborted) return 'aborting'
  if (run.startedAtMs !== undefined) {
    const progress = progressOf(run)
    return progress >= 1 ? 'succeeded' : progress < 0.1 ? 'ready' : 'running'
  }
  if (run.statuses?.length) return run.statuses[Math.min(run.polls ?? 0, run.statuses.length) - 1] ?? run.statuses[0]
  return run.status ?? 'succeeded'
}

/** @param {RunSpec} run */
function detail(run) {
  const status = currentStatus(run)
  return {
    slug: run.slug,
    scraper_slug: run.worker ?? 'coreclaw/google-maps-scraper',
    scraper_title: 'Google Maps Scraper',
    version: '1.4.2',
    status,
    results:
      status === 'succeeded'
        ? run.results
        : run.startedAtMs !== undefined
          ? Math.floor((run.results ?? 0) * progressOf(run))
          : Math.floor((run.results ?? 0) / 2),
    usage: '0.12',
    traffic: 1048576,
    origin: 'api',
    started_at: run.startedAt ?? 1764300000,
    finished_at: status === 'succeeded' ? (run.finishedAt ?? 1764300420) : 0,
    duration:
      run.startedAtMs === undefined
        ? 420
        : Math.round(Math.min(Date.now() - run.startedAtMs, run.durationMs ?? 0) / 1000),
    ...(run.errMsg && { err_msg: run.errMsg })
  }
}

/**
 * The export's bytes, as chunks produced on demand, so a 512 MiB export costs no memory.
 * @param {RunSpec | undefined} run @param {string} format @param {string[]} keys
 * @returns {Content}
 */
function exportContent(run, format, keys) {
  if (run?.bytes !== undefined) {
    const bytes = run.bytes
    return { size: bytes.length, chunks: () => [bytes] }
  }
  if (run?.size !== undefined) return generated(run.size, run.distinct)
  const rows = (run?.rows ?? SAMPLE_ROWS).map(row => pick(row, keys))
  const bytes = render(rows, format)
  return { size: bytes.length, chunks: () => [bytes] }
}

/** @param {object} row @param {string[]} keys @returns {Record<string, unknown>} */
function pick(row, keys) {
  const fields = /** @type {Record<string, unknown>} */ (row)
  if (keys.length === 0) return fields
  return Object.fromEntries(keys.filter(key => key in fields).map(key => [key, fields[key]]))
}

/** @param {Array<Record<string, unknown>>} rows @param {string} format @returns {Buffer} */
function render(rows, format) {
  const keys = [...new Set(rows.flatMap(row => Object.keys(row)))]
  /** @param {unknown} text */
  const xml = text =>
    String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  switch (format) {
    case 'csv': {
      /** @param {unknown} value */
      const cell = value => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value))
      return Buffer.from(
        [keys.join(','), ...rows.map(row => keys.map(key => cell(row[key] ?? '')).join(','))].join('\r\n') + '\r\n'
      )
    }
    case 'json':
      return Buffer.from(JSON.stringify(rows, null, 2))
    case 'jsonl':
      return Buffer.from(rows.map(row => JSON.stringify(row)).join('\n') + '\n')
    case 'xml':
      return Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<items>${rows.map(row => `<item>${keys.map(key => `<${key}>${xml(row[key] ?? '')}</${key}>`).join('')}</item>`).join('')}</items>\n`
      )
    case 'html':
      return Buffer.from(
        `<table><tr>${keys.map(key => `<th>${xml(key)}</th>`).join('')}</tr>${rows.map(row => `<tr>${keys.map(key => `<td>${xml(row[key] ?? '')}</td>`).join('')}</tr>`).join('')}</table>\n`
      )
    case 'rss':
      return Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>CoreClaw export</title>${rows.map(row => `<item>${keys.map(key => `<${key}>${xml(row[key] ?? '')}</${key}>`).join('')}</item>`).join('')}</channel></rss>\n`
      )
    case 'xlsx':
    case 'xls': {
      // Real spreadsheets, made once from SAMPLE_ROWS and committed (sandbox/workbooks/): an Office
      // Open XML zip, and a BIFF8 workbook in an OLE2 container, so the demo writes files people
      // can open. Both hold bytes that are not UTF-8, so a test notices any text decoding on the way.
      if (JSON.stringify(rows) !== JSON.stringify(SAMPLE_ROWS)) {
        throw new Error(`the sandbox has ${format} workbooks of SAMPLE_ROWS only (sandbox/workbooks/)`)
      }
      return WORKBOOKS[format]
    }
    default:
      throw new Error(`no renderer for ${format}`)
  }
}

const BLOCK = (() => {
  const line = 'ChIJ2eUgeAK6j4ARbn5u_wAGqWA,Blue Bottle Coffee,"1 Ferry Building, San Francisco",4.6,2381\n'
  return Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length))).subarray(0, 1024 * 1024)
})()

/**
 * `size` bytes of CSV, made of 1 MiB pieces. With `distinct`, each piece starts with its number,
 * so a file with pieces out of order or repeated doesn't compare equal (costs a copy per piece).
 * @param {number} size @param {boolean} [distinct]
 * @returns {Content}
 */
function generated(size, distinct = false) {
  /** @param {number} index */
  const piece = index => {
    const bytes = BLOCK.subarray(0, Math.min(size - index * BLOCK.length, BLOCK.length))
    if (!distinct) return bytes
    const numbered = Buffer.from(bytes)
    numbered.write(`piece ${index},`.slice(0, numbered.length), 'latin1')
    return numbered
  }
  return {
    size,
    piece,
    chunks: () => Array.from({ length: Math.ceil(size / BLOCK.length) }, (_, index) => piece(index))
  }
}

/**
 * Writes the content with back-pressure; stops after `limit` bytes when given. With a pace, it
 * never gets ahead of `bytesPerSecond` since the first byte.
 *
 * @param {Content} content @param {http.ServerResponse} res
 * @param {number | undefined} bytesPerSecond @param {number | undefined} limit @param {() => void} onLimit
 */
function streamContent(content, res, bytesPerSecond, limit, onLimit) {
  let sent = 0
  const total = limit ?? content.size
  const piece = content.piece
  const pieces = piece ? null : content.chunks()
  let index = 0
  /** @type {Buffer} */
  let pending = Buffer.alloc(0)
  const next = () => (pieces ? pieces[index++] : sent < content.size && piece ? piece(index++) : undefined)
  const started = performance.now()
  const pump = () => {
    for (;;) {
      if (sent >= total) {
        if (limit !== undefined) return onLimit()
        return res.end()
      }
      if (bytesPerSecond) {
        const aheadMs = (sent / bytesPerSecond) * 1000 - (performance.now() - started)
        if (aheadMs >= 1) return setTimeout(pump, aheadMs)
      }
      let chunk = pending.length ? pending : next()
      if (!chunk) return res.end()
      // Paced: 64 KiB at a time, so the pace holds within a millisecond's worth of bytes.
      pending = bytesPerSecond ? chunk.subarray(64 * 1024) : Buffer.alloc(0)
      if (bytesPerSecond) chunk = chunk.subarray(0, 64 * 1024)
      if (sent + chunk.length > total) chunk = chunk.subarray(0, total - sent)
      sent += chunk.length
      if (!res.write(chunk)) return res.once('drain', pump)
    }
  }
  pump()
}

/**
 * The content compressed as Content-Encoding says, with the compressed length.
 * @param {Content} content @param {string} encoding @param {http.ServerResponse} res
 */
function sendEncoded(content, encoding, res) {
  const plain = Buffer.concat(content.chunks())
  const compress = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync }[encoding]
  const body = compress ? compress(plain) : plain
  res.writeHead(200, { 'content-encoding': encoding, 'content-length': String(body.length) })
  res.end(body)
}

/**
 * The body in writes of `pieceBytes`, each one sent before the next is written: Node would
 * otherwise gather queued writes into one, and the wire would carry large chunks after all.
 * Chunked framing, as a host that streams does.
 * @param {Buffer} bytes @param {http.ServerResponse} res @param {number} pieceBytes
 */
function writeInPieces(bytes, res, pieceBytes) {
  res.socket?.setNoDelay(true)
  let offset = 0
  const next = () => {
    if (offset >= bytes.length) return res.end()
    const piece = bytes.subarray(offset, offset + pieceBytes)
    offset += pieceBytes
    res.write(piece, next)
  }
  next()
}

/**
 * A whole answer whose body is chunked framing of 1-byte chunks, to be written in one go: the
 * client then receives tiny chunks far faster than it can handle them, and Node's HTTP parser makes
 * an object for each. Written as it is to the socket: node:http would gather the chunks.
 * @param {Buffer} bytes @param {string} contentType @returns {Buffer}
 */
export function burstOf(bytes, contentType) {
  const head = Buffer.from(
    `HTTP/1.1 200 OK\r\ncontent-type: ${contentType}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n`
  )
  const framed = Buffer.alloc(head.length + bytes.length * 6 + 5)
  head.copy(framed)
  const one = Buffer.from('1\r\n_\r\n')
  for (let i = 0, at = head.length; i < bytes.length; i++, at += 6) {
    one[3] = bytes[i]
    one.copy(framed, at)
  }
  framed.write('0\r\n\r\n', head.length + bytes.length * 6)
  return framed
}

/**
 * A slow but moving body: pieces of `pieceBytes`, `everyMs` apart.
 * @param {Buffer} bytes @param {http.ServerResponse} res @param {number} everyMs @param {number} pieceBytes
 */
function trickle(bytes, res, everyMs, pieceBytes) {
  let offset = 0
  const timer = setInterval(() => {
    res.write(bytes.subarray(offset, offset + pieceBytes))
    offset += pieceBytes
    if (offset >= bytes.length) {
      clearInterval(timer)
      res.end()
    }
  }, everyMs)
  res.on('close', () => clearInterval(timer))
}

/** @param {http.Server} server @param {number} port @param {string} host @returns {Promise<string>} */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const address = server.address()
      const name = host.includes(':') ? `[${host}]` : host
      resolve(`${name}:${typeof address === 'object' && address ? address.port : port}`)
    })
  })
}
