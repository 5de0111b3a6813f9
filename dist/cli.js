import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 581:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(916);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(422);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(769);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(809);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(311);
/**
 * The same export from a terminal: `node dist/cli.js --run-id … --format xlsx --out results.xlsx`.
 * The key comes from CORECLAW_API_KEY (never a flag: flags end up in shell history). Progress and
 * errors go to stderr; the outputs go to stdout as JSON, for scripts.
 */






const HELP = `Usage: node dist/cli.js --run-id <slug|last> [options]

Exports a CoreClaw worker run's results to a file, like the GitHub Action does.
The API key is read from the CORECLAW_API_KEY environment variable.

Options:
  --run-id <slug|last>   run slug, or 'last' for the latest run (required)
  --format <format>      csv, json, jsonl, xlsx, xls, xml, html, rss (default: ${_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULTS */ .zY.format})
  --filter-keys <keys>   field keys to keep, comma-separated (default: all)
  --out <path>           file or folder to write (default: ./<run-id>.<format>)
  --overwrite <bool>     replace an existing file (default: ${_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULTS */ .zY.overwrite})
  --base-url <url>       API base for private deployments (default: ${_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULTS */ .zY['base-url']})
  --auth-method <m>      bearer, header or query (default: ${_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULTS */ .zY['auth-method']})
  --max-attempts <n>     attempts per request, the first included (default: ${_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULTS */ .zY['max-attempts']})
  --timeout <s>          seconds without progress before a request fails (default: ${_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULTS */ .zY.timeout})
  --wait-timeout <s>     seconds to wait for a running run; 0 = don't wait (default: ${_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULTS */ .zY['wait-timeout']})
  --worker-id <id>       with --run-id last: the latest run of this worker (owner/name)
  -h, --help             show this help
  -v, --version          show the version

Prints the outputs (path, url, run-id, format, size, sha256, result-count, request-id) as JSON
on stdout. Exit codes: 0 exported, 1 export failed, 2 bad usage.`;
/** Flags map one-to-one onto the action's inputs; only `--out` is named for what it is here. */
const FLAGS = {
    'run-id': 'run-id',
    format: 'format',
    'filter-keys': 'filter-keys',
    out: 'path',
    overwrite: 'overwrite',
    'base-url': 'base-url',
    'auth-method': 'auth-method',
    'max-attempts': 'max-attempts',
    timeout: 'timeout',
    'wait-timeout': 'wait-timeout',
    'worker-id': 'worker-id'
};
const stderrLog = {
    info: message => process.stderr.write(`${message}\n`),
    warning: message => process.stderr.write(`warning: ${message}\n`),
    group: (title, work) => {
        process.stderr.write(`${title}\n`);
        return work();
    }
};
async function main(argv) {
    let values;
    try {
        const options = Object.fromEntries(Object.keys(FLAGS).map(flag => [flag, { type: 'string' }]));
        values = (0,node_util__WEBPACK_IMPORTED_MODULE_0__.parseArgs)({
            args: argv,
            options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
            strict: true,
            allowPositionals: false
        }).values;
    }
    catch (error) {
        process.stderr.write(`${error.message}\n\n${HELP}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${HELP}\n`);
        return 0;
    }
    if (values.version) {
        process.stdout.write(`${_version_js__WEBPACK_IMPORTED_MODULE_5__/* .VERSION */ .x}\n`);
        return 0;
    }
    const given = new Map(Object.entries(FLAGS).map(([flag, input]) => [input, String(values[flag] ?? '')]));
    given.set('api-key', process.env.CORECLAW_API_KEY ?? '');
    try {
        const inputs = (0,_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .parseInputs */ .TL)(name => given.get(name) ?? '');
        const result = await (0,_main_js__WEBPACK_IMPORTED_MODULE_3__/* .exportRun */ .q)(inputs, {
            log: stderrLog,
            clock: _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .realClock */ .dQ,
            workspace: process.cwd(),
            progressEveryMs: 1000
        });
        const outputs = {
            path: result.path,
            url: result.url,
            'run-id': result.runId,
            format: result.format,
            size: result.size,
            sha256: result.sha256,
            'result-count': result.resultCount ?? null,
            'request-id': result.requestId ?? null
        };
        process.stdout.write(`${JSON.stringify(outputs, null, 2)}\n`);
        return 0;
    }
    catch (thrown) {
        const error = (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .asActionError */ .z6)(thrown);
        process.stderr.write(`error: ${describe(error)}\n`);
        return error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz ? 2 : 1;
    }
}
/** Input errors in the CLI's own terms: options and the key variable, not step inputs. */
function describe(error) {
    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz))
        return `${error.message}. ${error.hint}`;
    if (error.input === 'api-key')
        return 'CORECLAW_API_KEY is not set. Export your CoreClaw API key in that variable.';
    const flag = Object.keys(FLAGS).find(name => FLAGS[name] === error.input) ?? error.input;
    return `--${flag} ${error.problem}. Accepted: ${error.accepted}.`;
}
process.exitCode = await main(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 916:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Be: () => (/* binding */ CoreClawError),
/* harmony export */   D4: () => (/* binding */ RunStateError),
/* harmony export */   Dr: () => (/* binding */ NetworkError),
/* harmony export */   F1: () => (/* binding */ DestinationExistsError),
/* harmony export */   M3: () => (/* binding */ AttemptsExhaustedError),
/* harmony export */   MU: () => (/* binding */ TimeoutError),
/* harmony export */   WM: () => (/* binding */ TlsError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   ic: () => (/* binding */ FileSystemError),
/* harmony export */   lZ: () => (/* binding */ ActionError),
/* harmony export */   nV: () => (/* binding */ DownloadError),
/* harmony export */   z6: () => (/* binding */ asActionError)
/* harmony export */ });
/* unused harmony exports codeName, hintForCode, isRetryableStatus, UnexpectedError */
/**
 * Every failure the action can report, as values with fields. The message is derived from the
 * fields, and `hint` tells the user what to do next. Nothing here ever holds the API key or a
 * signed URL's query string.
 */
class ActionError extends Error {
    retryable = false;
    retryAfterMs;
    requestId;
}
class InputError extends ActionError {
    input;
    problem;
    accepted;
    name = 'InputError';
    hint;
    constructor(input, problem, accepted) {
        super(`Input '${input}' ${problem}. Accepted: ${accepted}.`);
        this.input = input;
        this.problem = problem;
        this.accepted = accepted;
        this.hint = `Fix the '${input}' input of this step.`;
    }
}
const CODE_NAMES = {
    10000: 'system error',
    11000: 'invalid argument',
    11004: 'not found',
    12001: 'unauthorized',
    12002: 'invalid token',
    13000: 'rate limited',
    14000: 'database error',
    16000: 'not implemented',
    30001: 'insufficient balance',
    30003: 'plan concurrency limit',
    50001: 'worker not found',
    50002: 'worker run failed',
    50003: 'worker version unavailable',
    60001: 'task not found',
    70001: 'run not found',
    70002: 'run operation failed'
};
const CODE_HINTS = {
    10000: 'CoreClaw had an internal error; run the job again later.',
    11000: "CoreClaw rejected an argument: check 'format' and 'filter-keys' (keys must be field keys of the run's results).",
    11004: "The run was not found: check 'run-id', and that the API key belongs to the account that owns the run.",
    12001: "CoreClaw did not accept the credentials: check that 'api-key' gets your key (e.g. secrets.CORECLAW_API_KEY) and that the secret is set.",
    12002: "The API key is invalid or revoked: create a new key in CoreClaw and update the secret passed as 'api-key'.",
    13000: "CoreClaw is rate limiting this account: raise 'max-attempts', or run fewer exports at once.",
    14000: 'CoreClaw had a database error; run the job again later.',
    16000: "This CoreClaw deployment does not implement the call: check 'base-url'.",
    30001: 'The CoreClaw account balance is too low: top it up, then re-run.',
    30003: "The plan's concurrency limit is reached: wait for other runs, or upgrade the plan.",
    50001: "The worker was not found: check 'worker-id' (owner/name).",
    50002: 'The worker run failed in CoreClaw: look at the run in the CoreClaw console.',
    50003: 'The worker version is unavailable: check the worker in the CoreClaw console.',
    60001: 'The task was not found in CoreClaw.',
    70001: "The run was not found: check 'run-id', and that the API key belongs to the account that owns the run.",
    70002: 'CoreClaw could not perform the operation on this run: check its status in the CoreClaw console.'
};
function codeName(code) {
    return CODE_NAMES[code];
}
function hintForCode(code, status) {
    if (code !== undefined && CODE_HINTS[code])
        return CODE_HINTS[code];
    if (status === 401 || status === 403)
        return CODE_HINTS[12001];
    if (status === 404)
        return CODE_HINTS[11004];
    if (status === 429)
        return CODE_HINTS[13000];
    if (status !== undefined && status >= 500)
        return 'CoreClaw or a gateway in front of it failed; run the job again later.';
    return "Check the step's inputs; if they are right, contact CoreClaw support with the request id.";
}
function isRetryableStatus(status) {
    return status === 408 || status === 429 || status >= 500;
}
/** CoreClaw's API answered with an error: an HTTP status, an app code, or an unreadable body. */
class CoreClawError extends ActionError {
    name = 'CoreClawError';
    operation;
    status;
    appCode;
    serverMessage;
    details;
    requestId;
    bodyStart;
    problem;
    retryable;
    retryAfterMs;
    hint;
    constructor(fields) {
        super(describeCoreClawError(fields));
        this.operation = fields.operation;
        this.status = fields.status;
        this.appCode = fields.appCode;
        this.serverMessage = fields.serverMessage;
        this.details = fields.details;
        this.requestId = fields.requestId;
        this.bodyStart = fields.bodyStart;
        this.problem = fields.problem;
        this.retryAfterMs = fields.retryAfterMs;
        // A code != 0 on a 2xx is a business error, never transient.
        this.retryable = fields.status !== undefined && isRetryableStatus(fields.status);
        this.hint = hintForCode(fields.appCode, fields.status);
    }
}
function describeCoreClawError(f) {
    const parts = [`${f.operation} failed`];
    if (f.status !== undefined)
        parts.push(`HTTP ${f.status}`);
    if (f.appCode !== undefined) {
        const name = codeName(f.appCode);
        parts.push(`app code ${f.appCode}${name ? ` (${name})` : ''}`);
    }
    let text = parts.join(': ');
    if (f.serverMessage)
        text += `: ${f.serverMessage}`;
    if (f.details !== undefined && f.details !== null)
        text += ` (details: ${JSON.stringify(f.details)})`;
    if (f.problem)
        text += `: ${f.problem}`;
    if (f.bodyStart !== undefined)
        text += `; body starts: "${f.bodyStart}"`;
    if (f.requestId)
        text += ` [request_id: ${f.requestId}]`;
    return text;
}
/** A request that never got an HTTP answer: refused, reset, DNS, TLS, proxy, or timed out. */
class NetworkError extends ActionError {
    operation;
    code;
    name = 'NetworkError';
    retryable = true;
    hint = "Check that the runner can reach the host (proxy settings, 'base-url'); the request is retried up to 'max-attempts' times.";
    constructor(operation, code, detail) {
        super(`${operation} failed: ${code}${detail ? ` (${detail})` : ''}`);
        this.operation = operation;
        this.code = code;
    }
}
class TimeoutError extends NetworkError {
    timeoutMs;
    name = 'TimeoutError';
    hint = "The host did not answer in time: raise the 'timeout' input if it is just slow.";
    constructor(operation, phase, timeoutMs) {
        super(operation, 'ETIMEDOUT', `no ${phase} for ${timeoutMs / 1000} s`);
        this.timeoutMs = timeoutMs;
    }
}
/** The host's TLS certificate was not accepted: retrying can't help, trusting the right CA can. */
class TlsError extends NetworkError {
    name = 'TlsError';
    retryable = false;
    hint = "The host's TLS certificate was not trusted. If the runner is behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the path of that proxy's CA certificate.";
}
/** The storage host's answer was not the whole file. */
class DownloadError extends ActionError {
    problem;
    detail;
    status;
    retryAfterMs;
    name = 'DownloadError';
    retryable;
    hint;
    constructor(problem, detail, status, retryAfterMs) {
        super(`download failed: ${detail}`);
        this.problem = problem;
        this.detail = detail;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
        this.retryable =
            problem === 'truncated' || (problem === 'http' && status !== undefined && isRetryableStatus(status));
        this.hint =
            problem === 'expired'
                ? 'The signed download link expired or was refused even after a fresh export; run the job again.'
                : problem === 'truncated'
                    ? "The connection to the storage host broke during the download; it is retried up to 'max-attempts' times."
                    : 'The storage host refused the download; run the job again, and contact CoreClaw support if it persists.';
    }
}
/** The run is in a state we cannot export from. */
class RunStateError extends ActionError {
    runId;
    status;
    problem;
    errMsg;
    waitedSeconds;
    requestId;
    name = 'RunStateError';
    hint;
    constructor(runId, status, problem, errMsg, waitedSeconds, requestId) {
        super(problem === 'still-running'
            ? `run ${runId} is still ${status} after ${waitedSeconds} s`
            : `run ${runId} is ${status}, not succeeded${errMsg ? `: ${errMsg}` : ''}; nothing was exported`);
        this.runId = runId;
        this.status = status;
        this.problem = problem;
        this.errMsg = errMsg;
        this.waitedSeconds = waitedSeconds;
        this.requestId = requestId;
        this.hint =
            problem === 'still-running'
                ? waitedSeconds === 0
                    ? "Set 'wait-timeout' (seconds) to wait for the run to finish."
                    : `Raise 'wait-timeout' above ${waitedSeconds} to wait longer, or export once the run has finished.`
                : 'Only succeeded runs can be exported: check the run in the CoreClaw console, then re-run it.';
    }
}
/** A retryable failure that kept happening until the attempts ran out. */
class AttemptsExhaustedError extends ActionError {
    attempts;
    last;
    name = 'AttemptsExhaustedError';
    hint;
    requestId;
    constructor(attempts, last) {
        super(`gave up after ${attempts} attempts; the last one: ${last.message}`);
        this.attempts = attempts;
        this.last = last;
        this.hint = last.hint;
        this.requestId = last.requestId;
    }
}
/** Wraps anything unexpected so it can be reported the same way. */
function asActionError(error) {
    if (error instanceof ActionError)
        return error;
    const message = error instanceof Error ? error.message : String(error);
    return new UnexpectedError(message);
}
class UnexpectedError extends ActionError {
    name = 'UnexpectedError';
    hint = 'This looks like a bug in the action: please report it with the log of this step.';
}
/** Refusing to replace a file the user asked us to keep. */
class DestinationExistsError extends ActionError {
    path;
    name = 'DestinationExistsError';
    hint = "Set 'overwrite: true', or choose another 'path'.";
    constructor(path) {
        super(`${path} already exists and 'overwrite' is false; it was left untouched`);
        this.path = path;
    }
}
/** Writing the file failed on the runner's side: permissions, disk space, a bad path. */
class FileSystemError extends ActionError {
    path;
    name = 'FileSystemError';
    hint = "Check 'path', the folder's permissions and the runner's free disk space.";
    code;
    constructor(path, cause) {
        super(`could not write ${path}: ${cause.code ?? cause.message}`);
        this.path = path;
        this.code = cause.code;
    }
}


/***/ }),

/***/ 422:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   TL: () => (/* binding */ parseInputs),
/* harmony export */   XL: () => (/* binding */ isRunSlug),
/* harmony export */   xo: () => (/* binding */ LAST),
/* harmony export */   zY: () => (/* binding */ DEFAULTS)
/* harmony export */ });
/* unused harmony exports FORMATS, AUTH_METHODS, parseFilterKeys */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(916);
/**
 * The step's inputs, parsed into a typed and validated object before any request is made.
 * The same parser serves the action (INPUT_* variables) and the CLI (flags).
 */

const FORMATS = ['csv', 'json', 'jsonl', 'xlsx', 'xls', 'xml', 'html', 'rss'];
const AUTH_METHODS = ['bearer', 'header', 'query'];
/** `last` is resolved to a concrete slug before anything else is done with it. */
const LAST = 'last';
const DEFAULTS = {
    'run-id': '',
    'api-key': '',
    format: 'csv',
    'filter-keys': '',
    path: '',
    overwrite: 'true',
    'base-url': 'https://openapi.coreclaw.com',
    'auth-method': 'bearer',
    'max-attempts': '5',
    timeout: '60',
    'wait-timeout': '600',
    'worker-id': ''
};
/** Run slugs are ULID-like; being strict here also keeps a slug from escaping the folder as a file name. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
function isRunSlug(text) {
    return RUN_ID.test(text);
}
/** `read` returns the trimmed value of an input, or '' when it was not given. */
function parseInputs(read) {
    const value = (name) => read(name).trim() || DEFAULTS[name];
    const apiKey = read('api-key').trim();
    if (!apiKey)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('api-key', 'is missing', 'your CoreClaw API key, e.g. ${{ secrets.CORECLAW_API_KEY }}');
    if (/[\r\n]/.test(apiKey))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('api-key', 'spans several lines', 'a single-line CoreClaw API key');
    const runId = value('run-id');
    if (!runId)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('run-id', 'is missing', "a run slug such as 01KKDXV2G26BT7NH4ZQR2R4NPZ, or 'last'");
    const isLast = runId.toLowerCase() === LAST;
    if (!isLast && !isRunSlug(runId)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('run-id', `is not a run slug: '${runId}'`, "letters, digits, '-' and '_' (e.g. 01KKDXV2G26BT7NH4ZQR2R4NPZ), or 'last'");
    }
    const workerId = read('worker-id').trim() || undefined;
    if (workerId !== undefined && !WORKER_ID.test(workerId)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('worker-id', `is not a worker id: '${workerId}'`, 'owner/name, e.g. coreclaw/google-maps-scraper');
    }
    return {
        runId: isLast ? LAST : runId,
        apiKey,
        format: oneOf('format', value('format').toLowerCase(), FORMATS),
        filterKeys: parseFilterKeys(read('filter-keys')),
        path: read('path').trim(),
        overwrite: parseBoolean('overwrite', value('overwrite')),
        baseUrl: parseBaseUrl(value('base-url')),
        authMethod: oneOf('auth-method', value('auth-method').toLowerCase(), AUTH_METHODS),
        maxAttempts: parseNumber('max-attempts', value('max-attempts'), { min: 1, max: 100, integer: true }),
        timeoutSeconds: parseNumber('timeout', value('timeout'), { min: 0.1, max: 3600 }),
        waitTimeoutSeconds: parseNumber('wait-timeout', value('wait-timeout'), { min: 0, max: 6 * 3600 }),
        workerId
    };
}
/** Commas and/or newlines; trimmed, empties dropped, duplicates removed, order kept. */
function parseFilterKeys(raw) {
    const keys = raw
        .split(/[,\r\n]/)
        .map(key => key.trim())
        .filter(key => key.length > 0);
    return [...new Set(keys)];
}
function oneOf(name, raw, accepted) {
    if (accepted.includes(raw))
        return raw;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(name, `is '${raw}'`, accepted.join(', '));
}
/** YAML 1.2 core booleans, as the runner and @actions/core accept them. */
function parseBoolean(name, raw) {
    if (['true', 'True', 'TRUE'].includes(raw))
        return true;
    if (['false', 'False', 'FALSE'].includes(raw))
        return false;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(name, `is '${raw}'`, 'true or false');
}
function parseNumber(name, raw, rule) {
    const number = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    const ok = number >= rule.min && number <= rule.max && (!rule.integer || Number.isInteger(number));
    if (ok)
        return number;
    const kind = rule.integer ? 'a whole number' : 'a number of seconds';
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(name, `is '${raw}'`, `${kind} from ${rule.min} to ${rule.max}`);
}
function parseBaseUrl(raw) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('base-url', `is not a URL: '${raw}'`, 'an http(s) URL such as https://openapi.coreclaw.com');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('base-url', `uses ${url.protocol}`, 'an http(s) URL such as https://openapi.coreclaw.com');
    }
    if (url.search || url.hash || url.username || url.password) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('base-url', 'has a query, fragment or credentials', 'an http(s) URL such as https://openapi.coreclaw.com');
    }
    // Accept "https://host/", "https://host/prefix" and "https://host/api/v2" alike.
    url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
    return url;
}


/***/ }),

/***/ 769:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  q: () => (/* binding */ exportRun)
});

// UNUSED EXPORTS: run

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(916);
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: ./src/http-parser.ts
/**
 * HTTP/1.1 response framing (RFC 9112) as a push parser: bytes in, a head and body bytes out.
 *
 * Why not node:http: its client hands over every read in a new buffer, which on a 512 MiB download
 * costs twice curl's time and, on Node 24, 150 MB of memory (BENCHMARKS.md). This parser lets the
 * socket read into whatever memory the caller chooses (a reused buffer, the blocks of the file): it
 * never keeps a reference to the bytes it is given, and body bytes reach `onBody` as views of them,
 * valid only during that call.
 */
/** The bytes are not an HTTP/1.x response we can frame. */
class ResponseFormatError extends Error {
    code = 'EBADRESPONSE';
}
/** Heads and chunk-size lines are small; anything bigger is not a response we want to buffer. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4 * 1024;
const LF = 0x0a;
const CR = 0x0d;
class ResponseParser {
    method;
    events;
    state = { at: 'head' };
    /** Head bytes so far (copied: the caller reuses its buffer). */
    head = Buffer.alloc(0);
    /** A chunk-size line or trailer line so far. */
    line = '';
    /** `CONNECT`: a 2xx answer has no body; the connection becomes the tunnel. */
    constructor(method, events) {
        this.method = method;
        this.events = events;
    }
    /** The whole response has been read. */
    get done() {
        return this.state.at === 'done';
    }
    /**
     * Feeds bytes from the connection. Returns how many were part of the response; bytes after its
     * end (a CONNECT tunnel's first bytes) are left to the caller.
     */
    push(bytes) {
        let at = 0;
        while (at < bytes.length && this.state.at !== 'done')
            at += this.step(bytes, at);
        return at;
    }
    /** The connection closed. True when that completes the response (a body delimited by closing). */
    close() {
        if (this.state.at === 'until-close')
            this.state = { at: 'done' };
        return this.done;
    }
    /** Consumes bytes from `at` in the current state; returns how many. */
    step(bytes, at) {
        const state = this.state;
        switch (state.at) {
            case 'head':
                return this.readHead(bytes, at);
            case 'length':
            case 'chunk-data': {
                const n = Math.min(state.left, bytes.length - at);
                this.events.onBody(bytes.subarray(at, at + n));
                state.left -= n;
                if (state.left === 0)
                    this.state = state.at === 'length' ? { at: 'done' } : { at: 'chunk-end' };
                return n;
            }
            case 'until-close':
                this.events.onBody(bytes.subarray(at));
                return bytes.length - at;
            case 'chunk-size':
            case 'chunk-end':
            case 'trailers':
                return this.readLine(bytes, at);
            case 'done':
                return 0;
        }
    }
    readHead(bytes, at) {
        const before = this.head.length;
        const joined = Buffer.concat([this.head, bytes.subarray(at)]);
        const end = endOfHead(joined, Math.max(0, before - 3));
        if (end < 0) {
            if (joined.length > MAX_HEAD_BYTES)
                throw new ResponseFormatError(`the head is over ${MAX_HEAD_BYTES} bytes`);
            this.head = joined;
            return bytes.length - at;
        }
        this.head = Buffer.alloc(0);
        this.onHead(parseHead(joined.toString('latin1', 0, end)));
        return end - before;
    }
    onHead(head) {
        const { status } = head;
        // 1xx answers (103 Early Hints, a stray 100) precede the real one.
        if (status >= 100 && status < 200) {
            if (status === 101)
                throw new ResponseFormatError('the server switched protocols, which we did not ask for');
            return;
        }
        const state = (this.state = this.framing(head));
        const length = state.at === 'length' ? state.left : state.at === 'done' ? 0 : undefined;
        this.events.onHead({ ...head, length });
    }
    /** How the body is delimited (RFC 9112 §6.3). */
    framing({ status, headers }) {
        if (this.method === 'CONNECT' && status < 300)
            return { at: 'done' };
        if (status === 204 || status === 304)
            return { at: 'done' };
        const transfer = headers['transfer-encoding'];
        if (transfer !== undefined) {
            // Transfer-Encoding overrides Content-Length; only a final "chunked" frames the body.
            const codings = transfer.split(',').map(coding => coding.trim().toLowerCase());
            return codings[codings.length - 1] === 'chunked' ? { at: 'chunk-size' } : { at: 'until-close' };
        }
        const length = headers['content-length'];
        if (length === undefined)
            return { at: 'until-close' };
        const values = new Set(length.split(',').map(value => value.trim()));
        const [only] = values;
        if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) {
            throw new ResponseFormatError(`invalid Content-Length "${length}"`);
        }
        const left = Number(only);
        return left === 0 ? { at: 'done' } : { at: 'length', left };
    }
    /** Chunk-size lines, the CRLF after chunk data, and trailers: one line at a time. */
    readLine(bytes, at) {
        const lf = bytes.indexOf(LF, at);
        const end = lf < 0 ? bytes.length : lf;
        this.line += bytes.toString('latin1', at, end);
        if (this.line.length > MAX_LINE_BYTES)
            throw new ResponseFormatError('a chunk line is too long');
        if (lf < 0)
            return bytes.length - at;
        const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
        this.line = '';
        this.onLine(line);
        return lf + 1 - at;
    }
    onLine(line) {
        switch (this.state.at) {
            case 'chunk-size': {
                // Chunk extensions (";name=value") carry nothing we use.
                const size = line.split(';', 1)[0]?.trim() ?? '';
                if (!/^[0-9a-fA-F]{1,12}$/.test(size))
                    throw new ResponseFormatError(`invalid chunk size "${size}"`);
                const left = parseInt(size, 16);
                this.state = left === 0 ? { at: 'trailers' } : { at: 'chunk-data', left };
                return;
            }
            case 'chunk-end':
                if (line !== '')
                    throw new ResponseFormatError('chunk data is longer than its size');
                this.state = { at: 'chunk-size' };
                return;
            case 'trailers':
                if (line === '')
                    this.state = { at: 'done' };
                return;
        }
    }
}
/** The index just past the empty line that ends a head (CRLF or bare LF line ends), or -1. */
function endOfHead(bytes, from) {
    for (let lf = bytes.indexOf(LF, from); lf >= 0; lf = bytes.indexOf(LF, lf + 1)) {
        if (bytes[lf + 1] === LF)
            return lf + 2;
        if (bytes[lf + 1] === CR && bytes[lf + 2] === LF)
            return lf + 3;
    }
    return -1;
}
function parseHead(text) {
    const [statusLine = '', ...lines] = text.split(/\r?\n/).filter(line => line !== '');
    const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
    if (!match)
        throw new ResponseFormatError(`not an HTTP/1.x answer: "${statusLine.slice(0, 40)}"`);
    const headers = {};
    for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon);
        // Folded lines and whitespace before the colon are how responses get smuggled (RFC 9112 §5).
        if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
            throw new ResponseFormatError(`invalid header line "${line.slice(0, 40)}"`);
        }
        const key = name.toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
    return { status: Number(match[1]), headers };
}

;// CONCATENATED MODULE: ./src/connection.ts
/**
 * One HTTP/1.1 request and its answer on a connection of its own: a plain socket or TLS, or a
 * proxy tunnel. The socket reads into memory we choose (`onread`): the sink's, when it offers
 * some, else one reused buffer. The parser frames the answer, and the body goes to a sink that can
 * pause it. Every phase has the idle timeout, and errors never carry a query string (it can hold
 * `?token=` or a URL signature). Why not node:http: see http-parser.ts.
 */




/** For reads the sink has no memory for: the head, API answers. Big reads mean few system calls. */
const READ_BUFFER_BYTES = 256 * 1024;
/** Sends `request` to `url`'s host and resolves with the answer's head; the body follows. */
function exchange(url, request, options) {
    return new Exchange(url, request, options).start();
}
class Exchange {
    url;
    request;
    options;
    parser;
    socket;
    head;
    sink;
    /** Body bytes that arrived with the head, before anyone asked for them (copied). */
    early = [];
    paused = false;
    settled = false;
    answered = deferred();
    delivered = deferred();
    constructor(url, request, options) {
        this.url = url;
        this.request = request;
        this.options = options;
        this.parser = new ResponseParser(request.method, {
            onHead: head => (this.head = head),
            onBody: bytes => this.deliver(bytes)
        });
        // Reported through pipe(); until then nobody may be listening.
        this.delivered.promise.catch(() => undefined);
    }
    start() {
        const { url, request, options } = this;
        const host = url.hostname.replace(/^\[|\]$/g, '');
        const port = portOf(url);
        // A tunnel already has its reader; a CONNECT socket becomes one. Anything else reads in place.
        const inPlace = !options.tunnel && request.method !== 'CONNECT';
        let onread;
        if (inPlace) {
            const own = Buffer.allocUnsafe(READ_BUFFER_BYTES);
            // Node asks for the next read's memory after every read.
            let next = own;
            onread = {
                buffer: () => (next = this.sink?.space?.() ?? own),
                callback: length => this.receive(next.subarray(0, length))
            };
        }
        // tls.connect takes `onread` too (Node docs); @types/node lacks it.
        const secure = {
            host,
            port,
            socket: options.tunnel,
            // SNI carries host names only.
            servername: external_node_net_namespaceObject.isIP(host) ? undefined : host,
            ALPNProtocols: ['http/1.1'],
            onread
        };
        const socket = url.protocol === 'https:' ? external_node_tls_namespaceObject.connect(secure) : (options.tunnel ?? external_node_net_namespaceObject.connect({ host, port, onread }));
        this.socket = socket;
        if (!inPlace) {
            socket.on('data', this.onData);
            socket.resume();
        }
        // Under TLS, the tunnel is a socket of its own: its errors must reach us, not go unhandled.
        if (options.tunnel && options.tunnel !== socket)
            options.tunnel.on('error', this.onError);
        socket.on('error', this.onError);
        socket.on('end', this.onClosed);
        socket.on('close', this.onClosed);
        socket.on('timeout', this.onTimeout);
        socket.setTimeout(options.timeoutMs);
        if (socket.destroyed)
            this.fail(new errors/* NetworkError */.Dr(options.operation, 'ECONNRESET', 'the tunnel closed'));
        else
            socket.write(requestText(request));
        return this.answered.promise;
    }
    pipe(sink) {
        this.sink = sink;
        const early = this.early;
        this.early = [];
        let more = true;
        for (const bytes of early)
            more = sink.write(bytes) && more;
        if (more)
            this.resume();
        return this.delivered.promise;
    }
    resume() {
        if (this.settled || !this.paused)
            return;
        this.paused = false;
        this.socket.setTimeout(this.options.timeoutMs);
        this.socket.resume();
    }
    cancel(reason) {
        if (this.settled)
            return;
        this.settled = true;
        this.socket.destroy();
        // Rejecting `answered` after it resolved changes nothing; before, it tells start()'s caller.
        this.answered.reject(reason ?? new errors/* NetworkError */.Dr(this.options.operation, 'ECANCELED', 'cancelled'));
        if (reason === undefined)
            this.delivered.resolve();
        else
            this.delivered.reject(reason);
    }
    // The socket's listeners, as fields so that a CONNECT can detach exactly these.
    onData = (chunk) => {
        if (!this.receive(chunk))
            this.socket.pause();
    };
    onError = (error) => this.fail(error);
    onClosed = () => this.closed();
    onTimeout = () => {
        const { operation, timeoutMs } = this.options;
        this.fail(new errors/* TimeoutError */.MU(operation, this.head ? 'bytes from the server' : 'answer', timeoutMs));
    };
    /** Bytes from the socket. False stops reading until `resume()`. */
    receive(bytes) {
        if (this.settled)
            return false;
        try {
            const used = this.parser.push(bytes);
            if (this.parser.done)
                this.finish(bytes.subarray(used));
            else if (this.head)
                this.answered.resolve({ ...this.head, body: this });
        }
        catch (error) {
            this.fail(error);
        }
        if (this.settled)
            return false;
        if (!this.paused)
            return true;
        // Paused by the sink, e.g. while the disk catches up: that is not the server being idle.
        this.socket.setTimeout(0);
        return false;
    }
    deliver(bytes) {
        if (this.settled)
            return;
        if (!this.sink) {
            this.early.push(Buffer.from(bytes));
            this.paused = true;
        }
        else if (!this.sink.write(bytes)) {
            this.paused = true;
        }
    }
    finish(rest) {
        this.settled = true;
        const socket = this.socket;
        if (this.request.method === 'CONNECT' && this.head && this.head.status < 300) {
            // The socket is now the tunnel: hand it over as it is, with anything already read.
            socket.setTimeout(0);
            socket.pause();
            // Only our listeners: Node's own (ending the socket at EOF, say) stay.
            socket.off('data', this.onData);
            socket.off('error', this.onError);
            socket.off('end', this.onClosed);
            socket.off('close', this.onClosed);
            socket.off('timeout', this.onTimeout);
            if (rest.length > 0)
                socket.unshift(Buffer.from(rest));
            this.answered.resolve({ ...this.head, body: this, tunnel: socket });
        }
        else {
            socket.destroy();
            if (this.head)
                this.answered.resolve({ ...this.head, body: this });
        }
        this.delivered.resolve();
    }
    closed() {
        if (this.settled)
            return;
        if (this.parser.close())
            return this.finish(Buffer.alloc(0));
        this.fail(new errors/* NetworkError */.Dr(this.options.operation, 'ECONNRESET', this.head ? 'the connection closed before the whole body arrived' : 'the connection closed without an answer'));
    }
    fail(error) {
        this.cancel(toActionError(error, this.options.operation));
    }
}
/** The URL's port, or its scheme's. */
function portOf(url) {
    return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}
function requestText({ method, target, host, headers }) {
    const lines = [`${method} ${target} HTTP/1.1`, `host: ${host}`];
    for (const [name, value] of Object.entries(headers)) {
        // Inputs are validated long before; this keeps a line break from ever splitting a request.
        if (/[\r\n]/.test(name + value))
            throw new TypeError(`header ${name} contains a line break`);
        lines.push(`${name}: ${value}`);
    }
    // One request per connection: nothing pooled keeps the process alive.
    if (method === 'GET')
        lines.push('connection: close');
    return `${lines.join('\r\n')}\r\n\r\n`;
}
/** Node's network errors, minus anything that could carry a query string. */
function toActionError(error, operation) {
    if (error instanceof errors/* ActionError */.lZ)
        return error;
    const code = error?.code ?? 'ENETWORK';
    const message = (error instanceof Error ? error.message : String(error)).replace(/\?\S*/g, '?…');
    if (isCertificateError(code))
        return new errors/* TlsError */.WM(operation, code, message);
    return new errors/* NetworkError */.Dr(operation, code, message);
}
/** OpenSSL's verification failures as Node reports them (X509_V_ERR_* without the prefix). */
function isCertificateError(code) {
    return (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|CERT_)/.test(code));
}
function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
;// CONCATENATED MODULE: ./src/proxy.ts



function proxyFor(target) {
    return getProxyUrl(target);
}
/** Opens a CONNECT tunnel through `proxy` to `target`'s host and port. */
async function openTunnel(proxy, target, operation, timeoutMs) {
    const authority = `${target.hostname}:${portOf(target)}`;
    const headers = {};
    if (proxy.username || proxy.password) {
        const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
        headers['proxy-authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
    }
    const answer = await exchange(proxy, { method: 'CONNECT', target: authority, host: authority, headers }, { operation, timeoutMs });
    if (answer.tunnel)
        return answer.tunnel;
    answer.body.cancel();
    throw new errors/* NetworkError */.Dr(operation, 'EPROXY', `the proxy answered ${answer.status} to CONNECT ${authority}`);
}

;// CONCATENATED MODULE: ./src/http.ts
/**
 * One GET with our rules: redirects we control hop by hop, credentials judged per hop, proxies,
 * and errors that never contain a query string (it can hold `?token=` or a URL signature).
 * The wire itself is connection.ts.
 */



const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** The URL as it may be logged: origin and path, never the query or fragment. */
function loggable(url) {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.origin}${parsed.pathname}`;
}
async function get(url, options) {
    let current = url;
    for (let hop = 0;; hop++) {
        const signed = options.sign ? options.sign(current) : { url: current, headers: {} };
        const answer = await send(signed.url, { ...options.headers, ...signed.headers }, options);
        const location = answer.headers.location;
        if (!REDIRECTS.has(answer.status) || !location) {
            const { status, headers, length, body } = answer;
            return { status, headers, length, body, url: current };
        }
        answer.body.cancel();
        const next = new URL(location, current);
        if (hop >= options.maxRedirects) {
            throw new errors/* NetworkError */.Dr(options.operation, 'ETOOMANYREDIRECTS', `more than ${options.maxRedirects} redirects`);
        }
        if (current.protocol === 'https:' && next.protocol !== 'https:') {
            throw new errors/* NetworkError */.Dr(options.operation, 'EREDIRECTDOWNGRADE', `refused a redirect from https to ${loggable(next)}`);
        }
        if (options.sameOriginOnly && next.origin !== url.origin) {
            throw new errors/* NetworkError */.Dr(options.operation, 'ECROSSORIGINREDIRECT', `the API redirected to ${loggable(next)}; set 'base-url' to that origin`);
        }
        current = next;
    }
}
async function send(url, headers, { operation, timeoutMs }) {
    const proxy = proxyFor(url);
    const tunnel = proxy ? await openTunnel(proxy, url, operation, timeoutMs) : undefined;
    // url.host leaves out the scheme's default port, so the Host header stays canonical ("host",
    // not "host:443"): object storage may sign it.
    const request = { method: 'GET', target: `${url.pathname}${url.search}`, host: url.host, headers };
    return exchange(url, request, { operation, timeoutMs, tunnel });
}
/** Reads a small body (an API answer) into a string, with a size cap. */
async function readText(response, operation, limitBytes = 4 * 1024 * 1024) {
    const chunks = [];
    let size = 0;
    await response.body.pipe({
        write: bytes => {
            size += bytes.length;
            if (size > limitBytes) {
                response.body.cancel();
                return false;
            }
            chunks.push(Buffer.from(bytes));
            return true;
        }
    });
    if (size > limitBytes) {
        throw new errors/* NetworkError */.Dr(operation, 'ETOOLARGE', `the answer is larger than ${limitBytes} bytes`);
    }
    return Buffer.concat(chunks).toString('utf8');
}

// EXTERNAL MODULE: ./src/retry.ts
var src_retry = __nccwpck_require__(809);
;// CONCATENATED MODULE: ./src/coreclaw.ts
/**
 * CoreClaw API v2: credentials, the `{code, data, message, request_id}` envelope, and the three
 * calls the action needs. Every call goes through the shared retry policy.
 */



class CoreClawClient {
    options;
    constructor(options) {
        this.options = options;
    }
    getRun(runId) {
        return this.call('run detail request', `worker-runs/${encodeURIComponent(runId)}`);
    }
    /** The account's latest run, or the latest run of `workerId` (owner/name). */
    getLastRun(workerId) {
        const path = workerId ? `workers/${encodeURIComponent(workerId.replace('/', '~'))}/runs/last` : 'worker-runs/last';
        return this.call('latest run request', path);
    }
    async requestExport(runId, format, filterKeys) {
        const query = new URLSearchParams({ format });
        if (filterKeys.length > 0)
            query.set('filter_keys', filterKeys.join(','));
        const operation = 'export request';
        const answer = await this.call(operation, `worker-runs/${encodeURIComponent(runId)}/result/export`, query);
        const downloadUrl = answer.data?.download_url;
        if (typeof downloadUrl !== 'string' || !/^https?:\/\//.test(downloadUrl)) {
            throw new errors/* CoreClawError */.Be({
                operation,
                status: answer.status,
                appCode: 0,
                requestId: answer.requestId,
                problem: 'the answer has no data.download_url'
            });
        }
        return { downloadUrl, requestId: answer.requestId };
    }
    call(operation, path, query) {
        const { baseUrl, timeoutMs, userAgent, retry } = this.options;
        const prefix = baseUrl.pathname.replace(/\/+$/, '');
        const url = new URL(`${prefix}/api/v2/${path}`, baseUrl.origin);
        if (query)
            url.search = query.toString();
        return retry.run(operation, async () => {
            const response = await get(url, {
                operation,
                timeoutMs,
                maxRedirects: 10,
                sameOriginOnly: true,
                headers: { accept: 'application/json', 'user-agent': userAgent },
                sign: hop => this.sign(hop)
            });
            const text = await readText(response, operation);
            return parseEnvelope(operation, response.status, response.headers, text);
        });
    }
    /** Credentials for one request to the API origin; `sameOriginOnly` keeps them there. */
    sign(url) {
        const { apiKey, authMethod } = this.options;
        switch (authMethod) {
            case 'bearer':
                return { url, headers: { authorization: `Bearer ${apiKey}` } };
            case 'header':
                return { url, headers: { 'api-key': apiKey } };
            case 'query': {
                const signed = new URL(url);
                signed.searchParams.set('token', apiKey);
                return { url: signed, headers: {} };
            }
        }
    }
}
/** Both layers must agree: HTTP 2xx *and* code 0. Anything else is a CoreClawError. */
function parseEnvelope(operation, status, headers, text) {
    const retryAfterMs = (0,src_retry/* parseRetryAfter */.mu)(headers['retry-after'], Date.now());
    const headerRequestId = firstHeader(headers['x-request-id']);
    let envelope;
    try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            envelope = parsed;
    }
    catch {
        envelope = undefined;
    }
    if (!envelope) {
        throw new errors/* CoreClawError */.Be({
            operation,
            status,
            requestId: headerRequestId,
            problem: 'the answer is not a JSON envelope',
            bodyStart: bodyStart(text),
            retryAfterMs
        });
    }
    const requestId = typeof envelope.request_id === 'string' && envelope.request_id ? envelope.request_id : headerRequestId;
    const appCode = typeof envelope.code === 'number' ? envelope.code : undefined;
    const ok = status >= 200 && status < 300 && appCode === 0;
    if (ok)
        return { data: envelope.data, requestId, status };
    throw new errors/* CoreClawError */.Be({
        operation,
        status,
        appCode,
        serverMessage: typeof envelope.message === 'string' ? envelope.message : undefined,
        details: envelope.details ?? undefined,
        requestId,
        problem: appCode === undefined ? 'the answer has no numeric code' : undefined,
        retryAfterMs
    });
}
/** A repeated field arrives joined with ", " (http-parser.ts); the first value is the server's. */
function firstHeader(value) {
    return value?.split(',')[0]?.trim() || undefined;
}
/** The first 120 visible characters of a body, tags and control characters removed. */
function bodyStart(text) {
    const visible = text
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/[\u0000-\u001f\u007f"\\]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return visible.length > 120 ? `${visible.slice(0, 120)}…` : visible;
}

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/destination.ts
/**
 * Where the exported file goes. Path rules work for both POSIX and Windows paths, so the
 * path module is a parameter (tests pass path.win32).
 */


/**
 * Empty: `<workspace>/<run-id>.<format>`. Ends with a separator or names an existing directory:
 * `<that dir>/<run-id>.<format>`. Anything else is the file path. Relative to the workspace.
 */
function resolveDestination(query, isDirectory = existingDirectory, path = external_node_path_namespaceObject) {
    const fileName = `${query.runId}.${query.format}`;
    if (!query.path)
        return path.resolve(query.workspace, fileName);
    if (/[\\/]$/.test(query.path)) {
        // Either separator means "a folder", on every platform; "/" alone stays the root.
        const folder = query.path.replace(/[\\/]+$/, '') || query.path;
        return path.join(path.resolve(query.workspace, folder), fileName);
    }
    const target = path.resolve(query.workspace, query.path);
    return isDirectory(target) ? path.join(target, fileName) : target;
}
function existingDirectory(path) {
    try {
        return (0,external_node_fs_namespaceObject.statSync)(path).isDirectory();
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/block-sink.ts
/**
 * The download's pipeline, for one body: the socket reads straight into a block → a full block
 * goes to the file (on libuv's thread pool) and through SHA-256 (on this thread) at the same time
 * → the block returns to the pool. When no block is free, reading pauses, so memory stays at
 * BLOCKS × BLOCK_BYTES for any size. BENCHMARKS.md measures each choice.
 */

/**
 * Few, big writes. Two blocks would do (one filling, one on its way to disk); the third lets the
 * disk fall behind for a moment without stopping the socket. Blocks of 1 to 8 MiB and pools of 2
 * to 8 measured alike within this machine's noise; this is a small one among the good ones.
 */
const BLOCK_BYTES = 2 * 1024 * 1024;
const BLOCKS = 3;
/**
 * Gathers body bytes into blocks. The socket reads straight into the current block (`space`), so
 * body bytes are not copied. A full block is handed to the file and hashed at once; it returns to
 * the pool when the write is done. `write` answers false when no block is left, which pauses the
 * socket.
 */
class BlockSink {
    file;
    body;
    onProgress;
    free = [];
    current;
    filled = 0;
    written = 0;
    hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    /** Bytes that arrived when no block was free (at most one read), copied. */
    waiting = [];
    inFlight = new Set();
    failure;
    constructor(file, body, onProgress) {
        this.file = file;
        this.body = body;
        this.onProgress = onProgress;
        for (let i = 0; i < BLOCKS; i++)
            this.free.push(Buffer.allocUnsafeSlow(BLOCK_BYTES));
        this.current = this.free.pop();
    }
    space() {
        return this.current?.subarray(this.filled);
    }
    write(bytes) {
        let rest = bytes;
        while (rest.length > 0) {
            if (!this.current) {
                this.waiting.push(Buffer.from(rest));
                return false;
            }
            const n = Math.min(BLOCK_BYTES - this.filled, rest.length);
            // Bytes read into space() are already in place; others (the first read, bytes after chunk
            // framing) are copied. copy() handles the overlap of moving bytes within a block.
            const inPlace = rest.buffer === this.current.buffer && rest.byteOffset === this.current.byteOffset + this.filled;
            if (!inPlace)
                rest.copy(this.current, this.filled, 0, n);
            this.filled += n;
            rest = rest.subarray(n);
            if (this.filled === BLOCK_BYTES)
                this.ship();
        }
        return this.current !== undefined;
    }
    /** After the body's end: ships what is left and waits for the disk. */
    async finish() {
        // The body's tail may still wait for a block (all of them are then in flight).
        while (this.waiting.length > 0 && !this.failure)
            await Promise.race(this.inFlight);
        if (!this.failure && this.filled > 0)
            this.ship();
        await Promise.all(this.inFlight);
        if (this.failure)
            throw this.failure;
        return { size: this.written, sha256: this.hash.digest('hex') };
    }
    ship() {
        const block = this.current;
        if (!block)
            return;
        const bytes = block.subarray(0, this.filled);
        const position = this.written;
        this.written += bytes.length;
        this.current = this.free.pop();
        this.filled = 0;
        // The write runs on libuv's thread pool while this thread hashes the same bytes.
        const stage = this.file.write(bytes, 0, bytes.length, position).then(() => this.release(block), (error) => {
            // The first failure (a full disk, say) stops the download: pipe() rejects with it.
            this.failure ??= error;
            this.body.cancel(error);
        });
        this.hash.update(bytes);
        this.inFlight.add(stage);
        void stage.finally(() => this.inFlight.delete(stage));
        this.onProgress(this.written);
    }
    release(block) {
        if (this.current) {
            this.free.push(block);
        }
        else {
            this.current = block;
            const waiting = this.waiting;
            this.waiting = [];
            for (const bytes of waiting)
                this.write(bytes);
        }
        if (this.current && this.waiting.length === 0)
            this.body.resume();
    }
}

;// CONCATENATED MODULE: ./src/download.ts
/**
 * Streams the file behind a signed `download_url` into place: no credentials, a temporary file
 * beside the destination, sha256 and size computed on the way, and an atomic rename at the end.
 * On any failure the temporary file is removed and the destination is left as it was.
 *
 * The bytes go through BlockSink (block-sink.ts): the socket reads straight into a block, and a
 * full block is written and hashed at the same time. Memory stays the same for any size.
 */








/** Signed links that are dead: ask for a fresh one instead of retrying. */
const EXPIRED = new Set([403, 404, 410]);
const MAX_REDIRECTS = 10;
async function downloadFile(url, destination, options) {
    const folder = external_node_path_namespaceObject.dirname(destination);
    try {
        await (0,promises_namespaceObject.mkdir)(folder, { recursive: true });
    }
    catch (error) {
        throw new errors/* FileSystemError */.ic(folder, error);
    }
    // No `sign`: the storage host never sees CoreClaw credentials, on any hop.
    const response = await get(new URL(url), {
        operation: 'download',
        timeoutMs: options.timeoutMs,
        maxRedirects: MAX_REDIRECTS,
        headers: { 'user-agent': options.userAgent }
    });
    const { status } = response;
    if (status !== 200) {
        response.body.cancel();
        const detail = `the storage host answered HTTP ${status} for ${loggable(response.url)}`;
        if (EXPIRED.has(status))
            throw new errors/* DownloadError */.nV('expired', detail, status);
        throw new errors/* DownloadError */.nV('http', detail, status, (0,src_retry/* parseRetryAfter */.mu)(response.headers['retry-after'], Date.now()));
    }
    const expected = response.length;
    const temporary = external_node_path_namespaceObject.join(folder, `.${external_node_path_namespaceObject.basename(destination)}.${(0,external_node_crypto_namespaceObject.randomUUID)().slice(0, 8)}.part`);
    let file;
    try {
        file = await (0,promises_namespaceObject.open)(temporary, 'wx');
        const sink = new BlockSink(file, response.body, size => options.onProgress?.(size, expected));
        // The parser ends the body only when all of Content-Length (or the last chunk) has arrived;
        // a connection that closes sooner rejects with ECONNRESET (classified below).
        await response.body.pipe(sink);
        const { size, sha256 } = await sink.finish();
        await file.close();
        file = undefined;
        await moveIntoPlace(temporary, destination, options.overwrite);
        return { path: destination, size, sha256 };
    }
    catch (error) {
        response.body.cancel();
        await file?.close().catch(() => undefined);
        await (0,promises_namespaceObject.unlink)(temporary).catch(() => undefined);
        throw classify(error, destination, `the connection to ${loggable(response.url)} closed before ${expected === undefined ? 'the whole file' : `all ${expected} bytes`} arrived`);
    }
}
const FILE_CALLS = new Set(['open', 'write', 'writev', 'close', 'rename', 'link', 'unlink']);
const CUT_SHORT = new Set(['ECONNRESET', 'EPIPE']);
/** One error from anywhere in the pipeline, as what it means for the user. */
function classify(error, destination, cutShort) {
    // The connection closed (or was reset) before the body was complete.
    if (error instanceof errors/* NetworkError */.Dr && CUT_SHORT.has(error.code))
        return new errors/* DownloadError */.nV('truncated', cutShort);
    if (error instanceof errors/* ActionError */.lZ)
        return error;
    const { syscall } = (error ?? {});
    if (syscall && FILE_CALLS.has(syscall))
        return new errors/* FileSystemError */.ic(destination, error);
    return toActionError(error, 'download');
}
async function moveIntoPlace(temporary, destination, overwrite) {
    if (overwrite)
        return (0,promises_namespaceObject.rename)(temporary, destination);
    // link() fails if the destination exists, so a file created meanwhile is never replaced.
    try {
        await (0,promises_namespaceObject.link)(temporary, destination);
    }
    catch (error) {
        if (error.code === 'EEXIST')
            throw new errors/* DestinationExistsError */.F1(destination);
        throw error;
    }
    await (0,promises_namespaceObject.unlink)(temporary);
}

// EXTERNAL MODULE: ./src/inputs.ts
var src_inputs = __nccwpck_require__(422);
;// CONCATENATED MODULE: ./src/progress.ts
function progress_formatBytes(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
}
function progressReporter(say, everyMs, clock) {
    let next = clock.now() + everyMs;
    return (bytes, total) => {
        const now = clock.now();
        if (now < next)
            return;
        next = now + everyMs;
        const share = total ? ` of ${progress_formatBytes(total)} (${Math.floor((bytes / total) * 100)}%)` : '';
        say(`Downloaded ${progress_formatBytes(bytes)}${share}`);
    };
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/runner.ts
/**
 * The GitHub Actions runner protocol: INPUT_* variables, workflow commands on stdout, and the
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. It writes the same bytes as @actions/core (a test
 * compares them) without loading core's HTTP stack, which alone costs ~90 ms at start-up.
 */



function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
/** Registers a value with the runner's log masker. Must come before anything could print it. */
function setSecret(value) {
    command('add-mask', {}, value);
}
function setOutput(name, value) {
    const file = process.env.GITHUB_OUTPUT;
    if (!file) {
        // Local runs: the deprecated stdout command, as @actions/core does.
        process.stdout.write(EOL);
        command('set-output', { name }, value);
        return;
    }
    const delimiter = `ghadelimiter_${randomUUID()}`;
    if (value.includes(delimiter))
        throw new Error(`output ${name} contains the delimiter`);
    appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}
/** Appends to the job summary; quietly does nothing outside a runner. */
function appendSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file)
        return false;
    appendFileSync(file, markdown, 'utf8');
    return true;
}
function info(message) {
    process.stdout.write(message + external_node_os_namespaceObject.EOL);
}
function warning(message, title) {
    command('warning', title ? { title } : {}, message);
}
function error(message, title) {
    command('error', title ? { title } : {}, message);
}
/** Marks the step failed with an annotation; the exit code is set, the process is not killed. */
function setFailed(message, title) {
    process.exitCode = 1;
    error(message, title);
}
async function group(title, work) {
    command('group', {}, title);
    try {
        return await work();
    }
    finally {
        command('endgroup', {}, '');
    }
}
const runnerLog = { info, warning: message => warning(message), group };
function command(name, properties, message) {
    const props = Object.entries(properties)
        .filter(([, value]) => value)
        .map(([key, value]) => `${key}=${escapeProperty(value)}`)
        .join(',');
    process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${external_node_os_namespaceObject.EOL}`);
}
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

;// CONCATENATED MODULE: ./src/summary.ts
/**
 * The job summary: a table of what was exported and a collapsible block with request ids,
 * timings and attempts. It shows the file name, never the URL or its query string.
 */


function summary_renderSummary(result) {
    const rows = [
        ['Run', code(result.runId)],
        ['Format', code(result.format)],
        ['Filter keys', result.filterKeys.length ? result.filterKeys.map(code).join(', ') : 'all fields'],
        ['Rows', result.resultCount === undefined ? 'unknown' : String(result.resultCount)],
        ['File', code(path.basename(result.path))],
        ['Size', `${formatBytes(result.size)} (${result.size} bytes)`],
        ['SHA-256', code(result.sha256)]
    ];
    const { timings, attempts, requestIds, freshLink } = result.details;
    const detail = [
        ['Run detail request id', requestIds.run ? code(requestIds.run) : '–'],
        ['Export request id', requestIds.export ? code(requestIds.export) : '–'],
        ['Waited for the run', seconds(timings.waitMs)],
        ['Export and download', seconds(timings.exportMs)],
        ['Total', seconds(timings.totalMs)],
        [
            'Attempts',
            Object.entries(attempts)
                .map(([operation, count]) => `${operation}: ${count}`)
                .join(', ') || '–'
        ],
        ['Fresh download link', freshLink ? 'yes, the first one expired' : 'no']
    ];
    return [
        '### CoreClaw export',
        '',
        table(rows),
        '',
        '<details><summary>Details</summary>',
        '',
        table(detail),
        '',
        '</details>',
        ''
    ].join('\n');
}
/** On failure: what happened and what to do, where people look first. */
function summary_renderFailureSummary(error) {
    const rows = [
        ['What happened', summary_escape(error.message)],
        ['What to do', summary_escape(error.hint)]
    ];
    if (error.requestId)
        rows.push(['CoreClaw request id', code(error.requestId)]);
    return ['### CoreClaw export failed', '', table(rows), ''].join('\n');
}
/** Table cells hold one line; a pipe would end the cell. */
function summary_escape(text) {
    return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
function table(rows) {
    return ['| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
}
/** Inline code that survives any text: backticks and table pipes can't break out. */
function code(text) {
    return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(2)} s`;
}

// EXTERNAL MODULE: ./src/version.ts
var version = __nccwpck_require__(311);
;// CONCATENATED MODULE: ./src/wait.ts

/** CoreClaw's docs: poll from about 2 s, backing off to 5, 10 and 15 s. */
const POLL_DELAYS_MS = [2000, 5000, 10_000, 15_000];
/** A progress line at most this often, so long waits don't flood the log. */
const PROGRESS_EVERY_MS = 15_000;
async function waitForRun(client, runId, options) {
    const { clock, log, waitTimeoutSeconds } = options;
    const started = clock.now();
    const deadline = started + waitTimeoutSeconds * 1000;
    let lastProgress = -Infinity;
    for (let poll = 0;; poll++) {
        const { data: run, requestId } = await client.getRun(runId);
        const status = String(run?.status ?? 'unknown').toLowerCase();
        const now = clock.now();
        if (status === 'succeeded')
            return { run, requestId, waitedMs: now - started };
        if (status !== 'ready' && status !== 'running') {
            throw new errors/* RunStateError */.D4(runId, status, 'not-exportable', run?.err_msg || undefined, undefined, requestId);
        }
        if (now >= deadline) {
            throw new errors/* RunStateError */.D4(runId, status, 'still-running', undefined, Math.round((now - started) / 1000), requestId);
        }
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            log.info(`Run ${runId} is ${status}, ${run?.results ?? 0} rows so far; waited ${Math.round((now - started) / 1000)} s of ${waitTimeoutSeconds} s.`);
        }
        const delay = POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)];
        await clock.sleep(Math.min(delay, deadline - now));
    }
}

;// CONCATENATED MODULE: ./src/main.ts
/**
 * The action, as a story: inputs → run status → export → download → outputs and summary.
 * `exportRun` is the part shared with the CLI; `run` is the GitHub Actions wrapper.
 */













const FAILURE_TITLE = 'CoreClaw export failed';
/** The GitHub Action. */
async function run() {
    try {
        const apiKey = runner.getInput('api-key');
        if (apiKey)
            runner.setSecret(apiKey);
        const inputs = parseInputs(runner.getInput);
        const result = await exportRun(inputs, {
            log: runner.runnerLog,
            clock: realClock,
            workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
            progressEveryMs: 10_000
        });
        setOutputs(result);
        runner.appendSummary(renderSummary(result));
    }
    catch (thrown) {
        const error = asActionError(thrown);
        if (error.requestId)
            runner.setOutput('request-id', error.requestId);
        runner.setFailed(`${error.message}. ${error.hint}`, FAILURE_TITLE);
        runner.appendSummary(renderFailureSummary(error));
    }
}
/** Everything between validated inputs and a verified file on disk. */
async function exportRun(inputs, host) {
    const { log, clock } = host;
    const started = clock.now();
    const retry = new src_retry/* RetryPolicy */.fU({
        maxAttempts: inputs.maxAttempts,
        clock,
        onRetry: notice => log.info(describeRetry(notice))
    });
    const client = new CoreClawClient({
        baseUrl: inputs.baseUrl,
        apiKey: inputs.apiKey,
        authMethod: inputs.authMethod,
        timeoutMs: inputs.timeoutSeconds * 1000,
        userAgent: version/* USER_AGENT */._,
        retry
    });
    if (inputs.workerId && inputs.runId !== src_inputs/* LAST */.xo) {
        log.warning("'worker-id' is only used with 'run-id: last'; ignoring it.");
    }
    const runId = inputs.runId === src_inputs/* LAST */.xo ? await resolveLastRun(client, inputs.workerId, log) : inputs.runId;
    const destination = resolveDestination({ path: inputs.path, runId, format: inputs.format, workspace: host.workspace });
    if (!inputs.overwrite && (0,external_node_fs_namespaceObject.existsSync)(destination))
        throw new errors/* DestinationExistsError */.F1(destination);
    const ready = await log.group(`Run ${runId}`, () => waitForRun(client, runId, { waitTimeoutSeconds: inputs.waitTimeoutSeconds, clock, log }));
    log.info(`Run ${runId} succeeded with ${ready.run.results ?? 'an unknown number of'} rows.`);
    const exportStarted = clock.now();
    const { link, file, freshLink } = await log.group(`Export ${inputs.format} to ${destination}`, () => exportAndDownload({ client, retry, runId, destination, inputs, host }));
    if (file.size === 0)
        log.warning(`The export of run ${runId} is empty (0 bytes); ${destination} was written anyway.`);
    log.info(`Saved ${file.size} bytes to ${file.path} (sha256 ${file.sha256}).`);
    const finished = clock.now();
    return {
        runId,
        format: inputs.format,
        filterKeys: inputs.filterKeys,
        path: file.path,
        url: link.downloadUrl,
        size: file.size,
        sha256: file.sha256,
        resultCount: ready.run.results,
        requestId: link.requestId,
        details: {
            requestIds: { run: ready.requestId, export: link.requestId },
            attempts: Object.fromEntries(retry.attempts),
            timings: { waitMs: exportStarted - started, exportMs: finished - exportStarted, totalMs: finished - started },
            freshLink
        }
    };
}
/** Asks for a signed link and downloads it; a link the storage host refuses is replaced once. */
async function exportAndDownload(step) {
    const { client, runId, inputs, host } = step;
    const first = await client.requestExport(runId, inputs.format, inputs.filterKeys);
    try {
        return { link: first, file: await download(first, step), freshLink: false };
    }
    catch (error) {
        // A refused signed link is dead: one fresh export, never a retry of the dead link.
        if (!(error instanceof errors/* DownloadError */.nV && error.problem === 'expired'))
            throw error;
        host.log.info(`The storage host refused the link (HTTP ${error.status}); asking CoreClaw for a fresh one.`);
        const fresh = await client.requestExport(runId, inputs.format, inputs.filterKeys);
        return { link: fresh, file: await download(fresh, step), freshLink: true };
    }
}
function download(link, { retry, destination, inputs, host }) {
    host.log.info(`Downloading ${loggable(link.downloadUrl)}`);
    return retry.run('download', () => downloadFile(link.downloadUrl, destination, {
        timeoutMs: inputs.timeoutSeconds * 1000,
        userAgent: version/* USER_AGENT */._,
        overwrite: inputs.overwrite,
        onProgress: progressReporter(host.log.info, host.progressEveryMs, host.clock)
    }));
}
/** `last` moves as runs start, so it is pinned to one slug before anything else happens. */
async function resolveLastRun(client, workerId, log) {
    const { data, requestId, status } = await client.getLastRun(workerId);
    const slug = data?.slug;
    if (typeof slug !== 'string' || !(0,src_inputs/* isRunSlug */.XL)(slug)) {
        throw new errors/* CoreClawError */.Be({
            operation: 'latest run request',
            status,
            appCode: 0,
            requestId,
            problem: 'the answer has no valid run slug'
        });
    }
    log.info(`run-id 'last'${workerId ? ` of worker ${workerId}` : ''} is run ${slug}.`);
    return slug;
}
function setOutputs(result) {
    runner.setOutput('path', result.path);
    runner.setOutput('url', result.url);
    runner.setOutput('run-id', result.runId);
    runner.setOutput('format', result.format);
    runner.setOutput('size', String(result.size));
    runner.setOutput('sha256', result.sha256);
    runner.setOutput('result-count', result.resultCount === undefined ? '' : String(result.resultCount));
    runner.setOutput('request-id', result.requestId ?? '');
}
function describeRetry({ attempt, maxAttempts, delayMs, error }) {
    return `${error.message} (attempt ${attempt} of ${maxAttempts}); retrying in ${(delayMs / 1000).toFixed(1)} s.`;
}


/***/ }),

/***/ 809:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   dQ: () => (/* binding */ realClock),
/* harmony export */   fU: () => (/* binding */ RetryPolicy),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter)
/* harmony export */ });
/* unused harmony exports BASE_DELAY_MS, MAX_DELAY_MS, MAX_RETRY_AFTER_MS */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(916);
/**
 * The one retry policy for every request the action makes: run detail, export and download.
 * What is retried is decided by the error itself (`retryable`), so this module only decides
 * how often and how long to wait.
 */

const realClock = {
    now: () => Date.now(),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
};
/** The first back-off is 0.5–1 s, doubling up to 15–30 s. */
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
/** We honour Retry-After, but a job should not sleep for hours on a server's say-so. */
const MAX_RETRY_AFTER_MS = 120_000;
class RetryPolicy {
    options;
    /** Attempts made per operation, for the summary. */
    attempts = new Map();
    random;
    constructor(options) {
        this.options = options;
        this.random = options.random ?? Math.random;
    }
    async run(operation, attempt) {
        const { maxAttempts, clock, onRetry } = this.options;
        for (let n = 1;; n++) {
            this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
            try {
                return await attempt();
            }
            catch (thrown) {
                const error = (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .asActionError */ .z6)(thrown);
                if (!error.retryable)
                    throw error;
                if (n >= maxAttempts)
                    throw maxAttempts > 1 ? new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AttemptsExhaustedError */ .M3(n, error) : error;
                const delayMs = this.delayBefore(n, error);
                onRetry?.({ operation, attempt: n, maxAttempts, delayMs, error });
                await clock.sleep(delayMs);
            }
        }
    }
    /** How long to wait after failed attempt `n` (1-based). */
    delayBefore(n, error) {
        if (error.retryAfterMs !== undefined) {
            // The server said when; add at most 250 ms so that many clients don't come back at once.
            return Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS) + Math.round(this.random() * 250);
        }
        // "Equal jitter": half fixed, half random, so waits grow but never collapse to zero.
        const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (n - 1));
        return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    }
}
/** Retry-After is either delta-seconds or an HTTP date. Returns milliseconds, or undefined. */
function parseRetryAfter(value, nowMs) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed))
        return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - nowMs);
}


/***/ }),

/***/ 311:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ USER_AGENT),
/* harmony export */   x: () => (/* binding */ VERSION)
/* harmony export */ });
/** Kept equal to package.json's version by a test. */
const VERSION = '1.1.0';
const USER_AGENT = `coreclaw-export-action/${VERSION} node/${process.versions.node}`;


/***/ }),

/***/ 975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
