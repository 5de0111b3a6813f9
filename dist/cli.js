import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 581:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(916);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(422);
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(841);
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

/***/ 841:
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
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
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
/**
 * Proxy support for self-hosted runners. Which proxy applies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY,
 * loopback bypass) is decided by @actions/http-client's own rules, so the action routes exactly
 * like the rest of the toolkit. The tunnel itself is a plain CONNECT, so that our timeouts and
 * socket handling cover it too.
 */




function proxyFor(target) {
    return getProxyUrl(target);
}
function defaultPort(url) {
    return url.port || (url.protocol === 'https:' ? '443' : '80');
}
/** Opens a CONNECT tunnel through `proxy` to `target`'s host and port. */
function openTunnel(proxy, target, operation, timeoutMs) {
    const authority = `${target.hostname}:${defaultPort(target)}`;
    const headers = { host: authority };
    if (proxy.username || proxy.password) {
        const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
        headers['proxy-authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
    }
    const transport = proxy.protocol === 'https:' ? external_node_https_namespaceObject : external_node_http_namespaceObject;
    return new Promise((resolve, reject) => {
        const req = transport.request({
            host: proxy.hostname.replace(/^\[|\]$/g, ''),
            port: defaultPort(proxy),
            method: 'CONNECT',
            path: authority,
            headers,
            agent: false
        });
        req.setTimeout(timeoutMs, () => req.destroy(new errors/* TimeoutError */.MU(operation, 'answer from the proxy', timeoutMs)));
        req.once('connect', (res, socket) => {
            req.setTimeout(0);
            if (res.statusCode === 200)
                return resolve(socket);
            socket.destroy();
            reject(new errors/* NetworkError */.Dr(operation, 'EPROXY', `the proxy answered ${res.statusCode} to CONNECT ${authority}`));
        });
        req.once('error', error => reject(error));
        req.end();
    });
}

;// CONCATENATED MODULE: ./src/http.ts
/**
 * One GET with our rules: a timeout on every phase, redirects we control hop by hop, proxies,
 * and errors that never contain a query string (it can hold `?token=` or a URL signature).
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
        const response = await send(signed.url, { ...options.headers, ...signed.headers }, options);
        const location = response.headers.location;
        if (!REDIRECTS.has(response.statusCode ?? 0) || !location) {
            return { status: response.statusCode ?? 0, headers: response.headers, body: response, url: current };
        }
        response.destroy();
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
async function send(url, headers, options) {
    const { operation, timeoutMs } = options;
    const proxy = proxyFor(url);
    let tunnel;
    try {
        if (proxy)
            tunnel = await openTunnel(proxy, url, operation, timeoutMs);
    }
    catch (error) {
        throw toActionError(error, operation);
    }
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
        const socket = tunnel;
        const req = (secure ? external_node_https_namespaceObject : external_node_http_namespaceObject).request(url, {
            method: 'GET',
            headers,
            // A fresh connection per request, nothing pooled to keep the process alive. Through a proxy
            // the tunnel is the connection; Node ignores createConnection when any agent is given.
            ...(socket
                ? { createConnection: () => (secure ? external_node_tls_namespaceObject.connect({ socket, servername: url.hostname }) : socket) }
                : { agent: false }),
            // Keeps the Host header canonical ("host", not "host:443"): object storage may sign it.
            defaultPort: secure ? 443 : 80
        });
        let response;
        req.setTimeout(timeoutMs, () => {
            const error = new errors/* TimeoutError */.MU(operation, response ? 'bytes from the server' : 'answer', timeoutMs);
            if (response)
                response.destroy(error);
            else
                req.destroy(error);
        });
        req.once('response', res => {
            response = res;
            resolve(res);
        });
        req.once('error', error => {
            socket?.destroy();
            reject(toActionError(error, operation));
        });
        req.end();
    });
}
/** Node's network errors, minus anything that could carry a query string. */
function toActionError(error, operation) {
    if (error instanceof errors/* ActionError */.lZ)
        return error;
    const code = error?.code ?? 'ENETWORK';
    const message = error instanceof Error ? error.message : String(error);
    return new errors/* NetworkError */.Dr(operation, code, message.replace(/\?\S*/g, '?…'));
}
/** Reads a small body (an API answer) into a string, with a size cap. */
async function readText(response, operation, limitBytes = 4 * 1024 * 1024) {
    const chunks = [];
    let size = 0;
    try {
        for await (const chunk of response.body) {
            size += chunk.length;
            if (size > limitBytes) {
                response.body.destroy();
                throw new errors/* NetworkError */.Dr(operation, 'ETOOLARGE', `the answer is larger than ${limitBytes} bytes`);
            }
            chunks.push(chunk);
        }
    }
    catch (error) {
        throw toActionError(error, operation);
    }
    return Buffer.concat(chunks).toString('utf8');
}

// EXTERNAL MODULE: ./src/retry.ts
var src_retry = __nccwpck_require__(809);
;// CONCATENATED MODULE: ./src/coreclaw.ts



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
function firstHeader(value) {
    return Array.isArray(value) ? value[0] : value || undefined;
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
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./src/download.ts
/**
 * Streams the file behind a signed `download_url` into place: no credentials, a temporary file
 * beside the destination, sha256 and size computed on the way, and an atomic rename at the end.
 * On any failure the temporary file is removed and the destination is left as it was.
 */









/** Signed links that are dead: ask for a fresh one instead of retrying. */
const EXPIRED = new Set([403, 404, 410]);
/** Room for the disk to fall behind while receiving and hashing go on (see BENCHMARKS.md). */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
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
        response.body.destroy();
        const detail = `the storage host answered HTTP ${status} for ${loggable(response.url)}`;
        if (EXPIRED.has(status))
            throw new errors/* DownloadError */.nV('expired', detail, status);
        throw new errors/* DownloadError */.nV('http', detail, status, (0,src_retry/* parseRetryAfter */.mu)(response.headers['retry-after'], Date.now()));
    }
    const lengthHeader = response.headers['content-length'];
    const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    let size = 0;
    const measure = new external_node_stream_namespaceObject.Transform({
        transform(chunk, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            options.onProgress?.(size, expected);
            done(null, chunk);
        }
    });
    const temporary = external_node_path_namespaceObject.join(folder, `.${external_node_path_namespaceObject.basename(destination)}.${(0,external_node_crypto_namespaceObject.randomUUID)().slice(0, 8)}.part`);
    try {
        await (0,external_node_stream_promises_namespaceObject.pipeline)(response.body, measure, (0,external_node_fs_namespaceObject.createWriteStream)(temporary, { flags: 'wx', highWaterMark: WRITE_BUFFER_BYTES }));
        // node:http already fails a body cut short of Content-Length (ECONNRESET, below); this keeps the
        // guarantee whatever the transport does.
        if (expected !== undefined && size !== expected) {
            throw new errors/* DownloadError */.nV('truncated', `got ${size} of ${expected} bytes from ${loggable(response.url)}`);
        }
        await moveIntoPlace(temporary, destination, options.overwrite);
    }
    catch (error) {
        await (0,promises_namespaceObject.unlink)(temporary).catch(() => undefined);
        throw classify(error, destination, `the connection to ${loggable(response.url)} closed before ${expected === undefined ? 'the whole file' : `all ${expected} bytes`} arrived`);
    }
    return { path: destination, size, sha256: hash.digest('hex') };
}
const FILE_CALLS = new Set(['open', 'write', 'writev', 'close', 'rename', 'link', 'unlink']);
/** One error from anywhere in the pipeline, as what it means for the user. */
function classify(error, destination, cutShort) {
    if (error instanceof errors/* ActionError */.lZ)
        return error;
    const { code, syscall } = (error ?? {});
    if (syscall && FILE_CALLS.has(syscall))
        return new errors/* FileSystemError */.ic(destination, error);
    // The connection closed before the body was complete.
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE')
        return new errors/* DownloadError */.nV('truncated', cutShort);
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
    const text = Array.isArray(value) ? value[0] : value;
    if (!text)
        return undefined;
    const trimmed = text.trim();
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
const VERSION = '1.0.0';
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
