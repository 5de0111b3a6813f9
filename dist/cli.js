import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 770:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

module.exports = __nccwpck_require__(218);


/***/ }),

/***/ 218:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var net = __nccwpck_require__(278);
var tls = __nccwpck_require__(756);
var http = __nccwpck_require__(611);
var https = __nccwpck_require__(692);
var events = __nccwpck_require__(434);
var assert = __nccwpck_require__(613);
var util = __nccwpck_require__(23);


exports.httpOverHttp = httpOverHttp;
exports.httpsOverHttp = httpsOverHttp;
exports.httpOverHttps = httpOverHttps;
exports.httpsOverHttps = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
__webpack_unused_export__ = debug; // for test


/***/ }),

/***/ 632:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ cancelOnSignals)
/* harmony export */ });
/* unused harmony export stopSignals */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(525);
/**
 * The runner cancels a step with SIGINT, then SIGTERM about 7.5 s later (on Windows: Ctrl-C, seen
 * by Node as SIGINT, then Ctrl-Break, SIGBREAK, and the process tree is killed 2.5 s after that).
 * A self-hosted runner being stopped, or a closed terminal for the CLI, sends SIGHUP. Node's
 * default is to die at once, which would leave a temporary file behind and a started run going.
 * Here the first signal aborts the step's AbortSignal: requests stop, the download removes its
 * temporary file, a run the step started is aborted, and the action reports. Then the process ends
 * by the same signal, so the runner sees what happened. A second signal, or a step that is still
 * busy after a grace period, cuts the cleanup short.
 */

/**
 * Long enough for a step that started a run to send the abort (3 s at most, start.ts), short enough
 * to end well before the runner's SIGTERM, 7.5 s after its SIGINT.
 */
const GRACE_MS = 5000;
/** The signals that stop a step on this platform. */
function stopSignals(platform) {
    return platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
}
/** `cleanup` must be synchronous: it may be the last thing that runs. It must not throw, or its error is swallowed. */
function cancelOnSignals(cleanup, host = process) {
    const controller = new AbortController();
    const signals = stopSignals(host.platform);
    let received;
    const stop = () => signals.forEach(name => host.removeListener(name, onSignal));
    const die = (signal) => {
        try {
            cleanup();
        }
        catch {
            // Nothing may keep the process from ending: the runner kills it a few seconds later anyway.
        }
        stop();
        endBy(signal, host);
    };
    function onSignal(signal) {
        if (received)
            return die(signal);
        received = signal;
        controller.abort(new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc(signal));
        setTimeout(() => die(signal), GRACE_MS).unref();
    }
    signals.forEach(name => host.on(name, onSignal));
    return {
        signal: controller.signal,
        end() {
            if (received)
                return die(received);
            stop();
        }
    };
}
/**
 * Ends the process the way the signal would have. On POSIX that is the signal itself, re-raised
 * with our handlers gone. On Windows `process.kill(self, 'SIGINT')` is TerminateProcess with exit
 * code 1, and SIGBREAK can't be sent to oneself at all (libuv: ENOSYS), so the process exits with
 * the shell's code for the signal instead: 128 + its number (130 for SIGINT).
 */
function endBy(signal, host) {
    if (host.platform !== 'win32') {
        host.kill(host.pid, signal);
        return;
    }
    host.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
}
/** Windows' numbers for the signals Node emulates there (os.constants.signals elsewhere lacks SIGBREAK). */
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15, SIGBREAK: 21 };


/***/ }),

/***/ 581:
/***/ (function (module, __unused_webpack___webpack_exports__, __nccwpck_require__) {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _cancellation_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(632);
/* harmony import */ var _download_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(421);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(525);
/* harmony import */ var _input_table_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(914);
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(422);
/* harmony import */ var _export_run_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(381);
/* harmony import */ var _outcome_js__WEBPACK_IMPORTED_MODULE_11__ = __nccwpck_require__(671);
/* harmony import */ var _environment_js__WEBPACK_IMPORTED_MODULE_12__ = __nccwpck_require__(678);
/* harmony import */ var _outputs_js__WEBPACK_IMPORTED_MODULE_7__ = __nccwpck_require__(729);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_8__ = __nccwpck_require__(809);
/* harmony import */ var _server_text_js__WEBPACK_IMPORTED_MODULE_9__ = __nccwpck_require__(86);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_10__ = __nccwpck_require__(13);
/**
 * The same export from a terminal: `node dist/cli.js --run-id \u2026 --format xlsx --out results.xlsx`.
 * The key comes from CORECLAW_API_KEY (never a flag: flags end up in shell history). Progress and
 * errors go to stderr; the outputs go to stdout as JSON, for scripts.
 */













/** Every input is an option of the same name, but two: the file is `--out`, and the key is never an option. */
const RENAMED = { path: 'out' };
const FLAGS = Object.fromEntries(_input_table_js__WEBPACK_IMPORTED_MODULE_4__/* .INPUT_NAMES */ .Qh.filter(name => name !== 'api-key').map(name => [RENAMED[name] ?? name, name]));
/** Generated from input-table.ts, the same table action.yml is held to, so the two can't drift. */
function help() {
    const rows = Object.entries(FLAGS).map(([flag, name]) => {
        const spec = _input_table_js__WEBPACK_IMPORTED_MODULE_4__/* .INPUT_TABLE */ .g$[name];
        const fallback = spec.required ? 'required' : spec.default === '' ? '' : `default: ${spec.default}`;
        const value = spec.value === 'bool' ? ' [bool]' : ` <${spec.value}>`;
        return [`--${flag}${value}`, `${spec.cli ?? spec.summary}${fallback ? ` (${fallback})` : ''}`];
    });
    rows.push(['-h, --help', 'Show this help.'], ['-v, --version', 'Show the version.']);
    const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
    return `Usage: node dist/cli.js --run-id <slug|last|last-succeeded|new> [options]

Exports a CoreClaw worker run's results to a file, like the GitHub Action does; with
--run-id new it starts the run first, shows its log, and aborts it on Ctrl-C.
The API key is read from the CORECLAW_API_KEY environment variable, never from an option.
The options are the action's inputs; the action's 'path' is --out here. A boolean option given
bare (--dry-run) means true.

Options:
${rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`).join('\n')}

Prints the outputs (${_outputs_js__WEBPACK_IMPORTED_MODULE_7__/* .OUTPUT_NAMES */ .P0.join(', ')}) as JSON
on stdout. Set CORECLAW_DEBUG=1 for request ids, timings and attempts on stderr.
Exit codes: 0 exported, 1 export failed, 2 bad usage; 130 or 143 when interrupted.`;
}
/** A boolean option given bare (`--dry-run`) is true, as on any command line; `--dry-run false` still works. */
function bareBooleans(argv) {
    return argv.flatMap((arg, index) => {
        const name = arg.startsWith('--') ? FLAGS[arg.slice(2)] : undefined;
        const bare = name !== undefined && _input_table_js__WEBPACK_IMPORTED_MODULE_4__/* .INPUT_TABLE */ .g$[name].value === 'bool' && !/^(true|false)$/i.test(argv[index + 1] ?? '');
        return bare ? [arg, 'true'] : [arg];
    });
}
/** Settings and the key in the CLI's own terms: options and CORECLAW_API_KEY, never step inputs. */
const CLI_OPTIONS = {
    input: name => `--${flagOf(name)}`,
    set: (name, value) => `--${flagOf(name)} ${value}`,
    key: 'CORECLAW_API_KEY'
};
const stderrLog = {
    info: message => process.stderr.write(`${message}\n`),
    warning: message => process.stderr.write(`warning: ${message}\n`),
    notice: message => process.stderr.write(`notice: ${message}\n`),
    debug: message => void (process.env.CORECLAW_DEBUG && process.stderr.write(`debug: ${message}\n`)),
    group: (title, work) => {
        process.stderr.write(`${title}\n`);
        return work();
    },
    say: CLI_OPTIONS
};
async function main(argv, signal) {
    let values;
    try {
        const options = Object.fromEntries(Object.keys(FLAGS).map(flag => [flag, { type: 'string' }]));
        values = (0,node_util__WEBPACK_IMPORTED_MODULE_0__.parseArgs)({
            args: bareBooleans(argv),
            options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
            strict: true,
            allowPositionals: false
        }).values;
    }
    catch (error) {
        process.stderr.write(`error: ${usageProblem(error)}\nRun with --help for the options.\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${help()}\n`);
        return 0;
    }
    if (values.version) {
        process.stdout.write(`${_version_js__WEBPACK_IMPORTED_MODULE_10__/* .VERSION */ .x}\n`);
        return 0;
    }
    const given = new Map(Object.entries(FLAGS).map(([flag, input]) => [input, String(values[flag] ?? '')]));
    given.set('api-key', process.env.CORECLAW_API_KEY ?? '');
    (0,_server_text_js__WEBPACK_IMPORTED_MODULE_9__/* .keepSecret */ .gz)((process.env.CORECLAW_API_KEY ?? '').trim());
    let known;
    try {
        const inputs = (0,_inputs_js__WEBPACK_IMPORTED_MODULE_5__/* .parseInputs */ .TL)(name => given.get(name) ?? '');
        const result = await (0,_export_run_js__WEBPACK_IMPORTED_MODULE_6__/* .exportRun */ .q)(inputs, {
            log: stderrLog,
            clock: _retry_js__WEBPACK_IMPORTED_MODULE_8__/* .realClock */ .dQ,
            workspace: process.cwd(),
            progressEveryMs: 1000,
            signal,
            onRun: run => (known = run)
        });
        process.stdout.write(`${JSON.stringify((0,_outputs_js__WEBPACK_IMPORTED_MODULE_7__/* .outputsOf */ .Yz)(result), null, 2)}\n`);
        return 0;
    }
    catch (thrown) {
        const error = (0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .asActionError */ .z6)(thrown);
        process.stderr.write(`error: ${(0,_outcome_js__WEBPACK_IMPORTED_MODULE_11__/* .namingRun */ .g)(error, known)}${describe(error)}\n`);
        // A run the step knows of (started, or resolved) is named on stdout too, for a script to act on.
        if (known)
            process.stdout.write(`${JSON.stringify((0,_outputs_js__WEBPACK_IMPORTED_MODULE_7__/* .outputsOfFailure */ .Kh)(known, error.requestId), null, 2)}\n`);
        return error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz ? 2 : 1;
    }
}
function flagOf(input) {
    return Object.keys(FLAGS).find(flag => FLAGS[flag] === input) ?? input;
}
function describe(error) {
    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz))
        return `${(0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .sentence */ .em)(error.message)} ${error.advice(CLI_OPTIONS)}`;
    if (error.input === 'api-key')
        return 'CORECLAW_API_KEY is not set. Export your CoreClaw API key in that variable.';
    return `--${flagOf(error.input)} ${error.problem}. Accepted: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .sentence */ .em)(error.accepted)}`;
}
/** Names an option people reach for by the action's input name, or by habit. */
const SUGGESTIONS = { path: 'out', output: 'out', o: 'out', 'api-key': 'CORECLAW_API_KEY' };
/** A flag that differs from `name` only by dashes and case, or by at most two letters: `--runid`, `--fromat`. */
function closestFlag(name) {
    const plain = (text) => text.toLowerCase().replace(/[-_]/g, '');
    const flags = [...Object.keys(FLAGS), 'help', 'version'];
    return (flags.find(flag => plain(flag) === plain(name)) ??
        flags.find(flag => name.length > 3 && editDistance(plain(flag), plain(name)) <= 2));
}
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
/** node:util's parse error, as one line that says what to use instead. */
function usageProblem(error) {
    const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(error.message);
    if (!unknown)
        return error.message.split('\n')[0];
    const [, dashes, name] = unknown;
    const instead = SUGGESTIONS[name] ?? closestFlag(name);
    if (!instead)
        return `Unknown option ${dashes}${name}.`;
    const hint = instead === 'CORECLAW_API_KEY' ? 'set CORECLAW_API_KEY instead' : `did you mean --${instead}?`;
    return `Unknown option ${dashes}${name} (${hint})`;
}
(0,_environment_js__WEBPACK_IMPORTED_MODULE_12__/* .quietDependencies */ .Y_)();
const cancellation = (0,_cancellation_js__WEBPACK_IMPORTED_MODULE_1__/* .cancelOnSignals */ .d)(_download_js__WEBPACK_IMPORTED_MODULE_2__/* .removeTemporaryFiles */ .vo);
process.exitCode = await main(process.argv.slice(2), cancellation.signal);
cancellation.end();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 986:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   MA: () => (/* binding */ AUTH_METHODS),
/* harmony export */   Pg: () => (/* binding */ codeName),
/* harmony export */   XL: () => (/* binding */ isRunSlug),
/* harmony export */   fp: () => (/* binding */ CODE_ADVICE),
/* harmony export */   hR: () => (/* binding */ FORMATS),
/* harmony export */   mX: () => (/* binding */ notFound)
/* harmony export */ });
/* unused harmony export APP_CODES */
const FORMATS = ['csv', 'json', 'jsonl', 'xlsx', 'xls', 'xml', 'html', 'rss'];
const AUTH_METHODS = ['bearer', 'header', 'query'];
/** Run slugs are ULID-like; being strict here also keeps a slug from escaping the folder as a file name. */
const RUN_SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
function isRunSlug(text) {
    return RUN_SLUG.test(text);
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
/** The app codes CoreClaw documents, for the README's table (a test keeps them in step). */
const APP_CODES = Object.entries(CODE_NAMES).map(([code, name]) => [
    Number(code),
    name
]);
const runNotFound = (say, { runId }) => `${runId ? `Run ${runId} was not found` : 'The run was not found'}: check ${say.input('run-id')}, and that the API key belongs to the account that owns the run.`;
/**
 * "Not found" (11004, or a 404 without a code of its own) is about what the call asked for: a
 * worker's input schema that is not found is an unknown worker, not an unknown run.
 */
const notFound = (say, subject) => {
    const about = subject.about ?? (subject.runId ? 'run' : subject.taskId ? 'task' : subject.workerId ? 'worker' : 'run');
    if (about === 'task')
        return CODE_ADVICE[60001](say, subject);
    if (about === 'worker')
        return CODE_ADVICE[50001](say, subject);
    return runNotFound(say, subject);
};
const CODE_ADVICE = {
    10000: () => 'CoreClaw had an internal error; run the job again later.',
    11000: say => `CoreClaw rejected an argument: check ${say.input('format')} and ${say.input('filter-keys')} (keys must be field keys of the run's results).`,
    11004: notFound,
    12001: say => `CoreClaw did not accept the credentials: check that ${say.key} holds your key.`,
    12002: say => `The API key is invalid or revoked: create a new key in CoreClaw and update ${say.key}.`,
    13000: say => `CoreClaw is rate limiting this account: raise ${say.input('max-attempts')}, or run fewer exports at once.`,
    14000: () => 'CoreClaw had a database error; run the job again later.',
    16000: say => `This CoreClaw deployment does not implement the call: check ${say.input('base-url')}.`,
    30001: () => 'The CoreClaw account balance is too low: top it up, then re-run.',
    30003: say => `The plan's concurrency limit is reached: raise ${say.input('wait-timeout')} to wait longer for a free slot, wait for other runs, or upgrade the plan.`,
    50001: (say, { workerId }) => `${workerId ? `Worker ${workerId} was not found` : 'The worker was not found'}: check ${say.input('worker-id')} (owner/name).`,
    50002: () => 'The worker run failed in CoreClaw: look at the run in the CoreClaw console.',
    50003: () => 'The worker version is unavailable: check the worker in the CoreClaw console.',
    60001: (say, { taskId }) => `${taskId ? `Task ${taskId} was not found` : 'The task was not found'}: check ${say.input('task-id')} against the tasks in the CoreClaw console.`,
    70001: runNotFound,
    70002: () => 'CoreClaw could not perform the operation on this run: check its status in the CoreClaw console.'
};
function codeName(code) {
    return CODE_NAMES[code];
}


/***/ }),

/***/ 351:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ CoreClawError)
/* harmony export */ });
/* harmony import */ var _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(986);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(525);
/* harmony import */ var _http_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(223);
/* harmony import */ var _server_text_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(86);
/** CoreClaw's API answered with an error: an HTTP status, an app code, or a body that is not its envelope. */




/** CoreClaw's API answered with an error: an HTTP status, an app code, or an unreadable body. */
class CoreClawError extends _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ {
    name = 'CoreClawError';
    operation;
    status;
    appCode;
    serverMessage;
    details;
    requestId;
    bodyStart;
    problem;
    notEnvelope;
    subject;
    retryable;
    retryAfterMs;
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
        this.notEnvelope = fields.notEnvelope ?? false;
        this.subject = fields.subject ?? {};
        this.retryAfterMs = fields.retryAfterMs;
        // A code != 0 on a 2xx is a business error, never transient.
        this.retryable = fields.status !== undefined && (0,_http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .isRetryableStatus */ .PS)(fields.status);
    }
    advice(say) {
        const { appCode, status, subject } = this;
        if (appCode !== undefined && _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_0__/* .CODE_ADVICE */ .fp[appCode])
            return _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_0__/* .CODE_ADVICE */ .fp[appCode](say, subject);
        if (status === 404) {
            const elsewhere = this.notEnvelope
                ? ` The answer was not CoreClaw's own: check ${say.input('base-url')} too.`
                : '';
            return (0,_coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_0__/* .notFound */ .mX)(say, subject) + elsewhere;
        }
        if (this.notEnvelope) {
            return `The answer did not come from CoreClaw's API (a gateway, a proxy or another server answered): check ${say.input('base-url')} and the runner's proxy settings.`;
        }
        if (status === 401 || status === 403)
            return _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_0__/* .CODE_ADVICE */ .fp[12001](say, subject);
        if (status === 429)
            return _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_0__/* .CODE_ADVICE */ .fp[13000](say, subject);
        if (status !== undefined && status >= 500)
            return 'CoreClaw or a gateway in front of it failed; run the job again later.';
        return 'CoreClaw answered in a way the action does not understand: contact CoreClaw support with the request id.';
    }
}
function describeCoreClawError(f) {
    const parts = [`${f.operation} failed`];
    if (f.status !== undefined)
        parts.push(`HTTP ${f.status}`);
    const name = f.appCode === undefined ? undefined : (0,_coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_0__/* .codeName */ .Pg)(f.appCode);
    if (f.appCode !== undefined)
        parts.push(`app code ${f.appCode}${name ? ` (${name})` : ''}`);
    let text = parts.join(': ');
    // Server text: each piece escaped and capped, so the line holds well under 4 KiB of it. A message
    // that only repeats the code's name ("invalid token") is said once.
    const repeatsName = name !== undefined && f.serverMessage?.trim().toLowerCase() === name.toLowerCase();
    if (f.serverMessage && !repeatsName)
        text += `: ${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_3__/* .forLog */ .Ig)(f.serverMessage, 1024)}`;
    // Nested as deep as a hostile server likes: jsonOf cuts it, where JSON.stringify would overflow the stack.
    if (f.details !== undefined && f.details !== null)
        text += ` (details: ${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_3__/* .forLog */ .Ig)((0,_server_text_js__WEBPACK_IMPORTED_MODULE_3__/* .jsonOf */ .o_)(f.details, 1024), 1024)})`;
    if (f.problem)
        text += `: ${f.problem}`;
    if (f.bodyStart !== undefined)
        text += `; body starts: "${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_3__/* .forLog */ .Ig)(f.bodyStart, 120)}"`;
    if (f.requestId)
        text += ` [request_id: ${f.requestId}]`;
    return text;
}


/***/ }),

/***/ 479:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  k: () => (/* binding */ CoreClawClient),
  l: () => (/* binding */ sameWorker)
});

// EXTERNAL MODULE: ./src/coreclaw-contract.ts
var coreclaw_contract = __nccwpck_require__(986);
// EXTERNAL MODULE: ./src/coreclaw-errors.ts
var coreclaw_errors = __nccwpck_require__(351);
// EXTERNAL MODULE: ./src/http-errors.ts
var http_errors = __nccwpck_require__(223);
// EXTERNAL MODULE: ./src/retry.ts
var src_retry = __nccwpck_require__(809);
// EXTERNAL MODULE: ./src/server-text.ts
var server_text = __nccwpck_require__(86);
;// CONCATENATED MODULE: ./src/coreclaw-envelope.ts



/** Both layers must agree: HTTP 2xx *and* code 0. Anything else is a CoreClawError. */
function parseEnvelope(operation, status, headers, text, subject = {}) {
    // Node keeps one Retry-After (duplicates are dropped); an HTTP date has a comma of its own.
    const retryAfterMs = (0,src_retry/* parseRetryAfter */.mu)(headers['retry-after'], Date.now());
    const headerRequestId = (0,server_text/* requestIdOf */.Gb)(firstHeader(headers['x-request-id']));
    let envelope;
    try {
        // A UTF-8 BOM is how some servers and gateways start a body; JSON.parse calls it a syntax error.
        const parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            envelope = parsed;
    }
    catch {
        envelope = undefined;
    }
    if (!envelope) {
        throw new coreclaw_errors/* CoreClawError */.B({
            operation,
            status,
            requestId: headerRequestId,
            problem: 'the answer is not a JSON envelope',
            notEnvelope: true,
            bodyStart: bodyStart(text),
            retryAfterMs,
            subject
        });
    }
    const requestId = (0,server_text/* requestIdOf */.Gb)(envelope.request_id) ?? headerRequestId;
    const appCode = Number.isSafeInteger(envelope.code) ? envelope.code : undefined;
    const ok = status >= 200 && status < 300 && appCode === 0;
    if (ok)
        return { data: envelope.data, requestId, status };
    throw new coreclaw_errors/* CoreClawError */.B({
        operation,
        status,
        appCode,
        serverMessage: (0,server_text/* textOf */.b6)(envelope.message),
        details: envelope.details ?? undefined,
        requestId,
        problem: appCode === undefined ? 'the answer has no numeric code' : undefined,
        notEnvelope: appCode === undefined,
        retryAfterMs,
        subject
    });
}
/** A list header's first value: Node joins repeated fields such as X-Request-Id with ", ". */
function firstHeader(value) {
    const first = Array.isArray(value) ? value[0] : value;
    return first?.split(',')[0]?.trim() || undefined;
}
/**
 * The first 120 visible characters of a body, tags and control characters removed. Secrets are
 * replaced in the whole body first: a key that straddled the cut would otherwise show in part.
 */
function bodyStart(text) {
    const visible = (0,server_text/* redact */.E$)(text)
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/[\u0000-\u001f\u007f"\\]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return visible.length > 120 ? `${visible.slice(0, 120)}\u2026` : visible;
}

// EXTERNAL MODULE: ./src/http.ts
var http = __nccwpck_require__(803);
;// CONCATENATED MODULE: ./src/coreclaw.ts
/**
 * CoreClaw API v2: credentials, and the calls the action makes (their envelope is
 * coreclaw-envelope.ts): read, start, watch and abort a run, and export it. Every call goes through the
 * shared retry policy, under the rule that fits it.
 */







class CoreClawClient {
    options;
    constructor(options) {
        this.options = options;
    }
    async getRun(runId) {
        const answer = await this.call('run detail request', `worker-runs/${encodeURIComponent(runId)}`, { runId });
        return { ...answer, data: runDetail(answer.data) };
    }
    /** The account's latest run, or the latest run of `workerId` (owner/name). */
    async getLastRun(workerId) {
        const path = workerId ? `workers/${workerPath(workerId)}/runs/last` : 'worker-runs/last';
        const answer = await this.call('latest run request', path, { workerId, about: 'run' });
        return { ...answer, data: runDetail(answer.data) };
    }
    /** Starts a run; the caller's rule decides what may be retried. Returns the new run's slug. */
    async startRun(start, rule) {
        const [operation, path, subject] = start.kind === 'worker'
            ? ['start request', `workers/${workerPath(start.workerId)}/runs`, { workerId: start.workerId }]
            : ['start request', `worker-tasks/${encodeURIComponent(start.taskId)}/runs`, { taskId: start.taskId }];
        const answer = await this.call(operation, path, subject, { method: 'POST', body: start.body, rule });
        const slug = field(answer.data, 'run_slug');
        if (typeof slug !== 'string' || !(0,coreclaw_contract/* isRunSlug */.XL)(slug)) {
            throw new coreclaw_errors/* CoreClawError */.B({
                operation,
                status: answer.status,
                appCode: 0,
                requestId: answer.requestId,
                problem: 'the answer has no valid data.run_slug',
                subject
            });
        }
        return { ...answer, data: slug };
    }
    /** The newest succeeded runs (up to 100), of the account or of `workerId`, in the server's order. */
    async listSucceededRuns(workerId) {
        const query = new URLSearchParams({ status: 'succeeded', limit: '100' });
        if (workerId)
            query.set('worker_id', workerId.replace('/', '~'));
        const answer = await this.call('run list request', 'worker-runs', { workerId, about: 'run' }, { query });
        const list = field(answer.data, 'list');
        const runs = (Array.isArray(list) ? list : []).flatMap(listedRun);
        return { ...answer, data: runs };
    }
    /** The worker's input schema, or undefined when the answer holds no JSON Schema object. One attempt. */
    async getInputSchema(workerId) {
        const answer = await this.call('input schema request', `workers/${workerPath(workerId)}/input-schema`, { workerId }, { rule: 'once' });
        const schema = field(answer.data, 'input_schema');
        const usable = schema !== null && typeof schema === 'object' && !Array.isArray(schema);
        return { ...answer, data: usable ? schema : undefined };
    }
    /** A saved task, to see that it exists (a dry run): CoreClaw answers 60001 for one it does not know. */
    async getTask(taskId) {
        return this.call('task request', `worker-tasks/${encodeURIComponent(taskId)}`, { taskId });
    }
    /**
     * The run's log entries, in order. One attempt: the log is shown, never needed. `signal` replaces
     * the step's (the caller's joins it), and `timeoutMs` bounds a read the caller waits for.
     */
    async getLog(runId, options = {}) {
        const answer = await this.call('log request', `worker-runs/${encodeURIComponent(runId)}/log`, { runId }, { rule: 'once', ...options });
        const list = field(answer.data, 'list');
        return Array.isArray(list) ? list.flatMap(logEntry) : [];
    }
    /**
     * Asks CoreClaw to abort a run. One attempt with its own short timeout and no step signal: it is
     * sent while the step is being cancelled. Success means "accepted"; the run then shows `aborting`.
     */
    async abortRun(runId, timeoutMs) {
        return this.call('abort request', `worker-runs/${encodeURIComponent(runId)}/abort`, { runId }, {
            method: 'POST',
            rule: 'once',
            timeoutMs,
            signal: null
        });
    }
    async requestExport(runId, format, filterKeys) {
        const query = new URLSearchParams({ format });
        if (filterKeys.length > 0)
            query.set('filter_keys', filterKeys.join(','));
        const operation = 'export request';
        const answer = await this.call(operation, `worker-runs/${encodeURIComponent(runId)}/result/export`, { runId }, { query });
        const downloadUrl = (0,server_text/* downloadUrlOf */.n2)(field(answer.data, 'download_url'));
        if (!downloadUrl) {
            throw new coreclaw_errors/* CoreClawError */.B({
                operation,
                status: answer.status,
                appCode: 0,
                requestId: answer.requestId,
                problem: 'the answer has no usable data.download_url (an http(s) URL)',
                subject: { runId }
            });
        }
        // A signature that a later answer echoes is shown as *** (server-text.ts), like the key.
        for (const value of new URL(downloadUrl).searchParams.values())
            if (value.length >= 16)
                (0,server_text/* keepSecret */.gz)(value);
        return { downloadUrl, requestId: answer.requestId };
    }
    call(operation, path, subject, options = {}) {
        const { baseUrl, userAgent, retry } = this.options;
        const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
        const signal = options.signal === null ? undefined : (options.signal ?? this.options.signal);
        const prefix = baseUrl.pathname.replace(/\/+$/, '');
        const url = new URL(`${prefix}/api/v2/${path}`, baseUrl.origin);
        if (options.query)
            url.search = options.query.toString();
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const attempt = async () => {
            // An answer is small: all of it, redirects included, must arrive within the timeout.
            const deadline = new AbortController();
            const timer = setTimeout(() => deadline.abort(http_errors/* TimeoutError */.MU.incomplete(operation, timeoutMs)), timeoutMs);
            try {
                const response = await (0,http/* request */.Em)(url, {
                    operation,
                    method: options.method,
                    body,
                    userAgent,
                    timeoutMs,
                    sameOriginOnly: true,
                    headers: {
                        accept: 'application/json',
                        // Small answers need no compression, and an uncompressed one is what a message can quote.
                        'accept-encoding': 'identity',
                        ...(body !== undefined && { 'content-type': 'application/json' })
                    },
                    sign: hop => this.sign(hop),
                    signal: signal ? AbortSignal.any([deadline.signal, signal]) : deadline.signal
                });
                const text = await (0,http/* readText */.yR)(response, operation);
                return parseEnvelope(operation, response.status, response.headers, text, subject);
            }
            finally {
                clearTimeout(timer);
            }
        };
        if (options.rule === 'once')
            return attempt();
        return retry.run(operation, attempt, options.rule ?? src_retry/* BY_ERROR */.JQ);
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
function field(data, name) {
    return data && typeof data === 'object' ? data[name] : undefined;
}
/** Worker ids `owner/name` travel as `owner~name` (a `%2F` fails); a slug travels as it is. */
function workerPath(workerId) {
    return encodeURIComponent(workerId.replace('/', '~'));
}
/** The run detail's fields we use, each checked by type. */
function runDetail(data) {
    const slug = field(data, 'slug');
    const duration = field(data, 'duration');
    const usage = field(data, 'usage');
    return {
        slug: typeof slug === 'string' ? slug : undefined,
        status: (0,server_text/* wordOf */.aG)(field(data, 'status')) ?? 'unknown',
        results: (0,server_text/* countOf */.pq)(field(data, 'results')),
        errMsg: (0,server_text/* textOf */.b6)(field(data, 'err_msg')),
        durationSeconds: typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? duration : undefined,
        usage: usageOf(usage)
    };
}
/** A cost: a decimal number, as a string ("1.00") or a number; anything else is unknown. */
function usageOf(value) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
        return String(value);
    return typeof value === 'string' && /^\d{1,12}(\.\d{1,8})?$/.test(value) ? value : undefined;
}
/**
 * A listed run: a string slug, times that are real dates, and the worker it belongs to. The list
 * was asked for succeeded runs, but that is checked, not trusted: a run without the status
 * `succeeded` is dropped.
 */
function listedRun(item) {
    const slug = field(item, 'slug');
    if (typeof slug !== 'string' || (0,server_text/* wordOf */.aG)(field(item, 'status')) !== 'succeeded')
        return [];
    const worker = field(item, 'scraper_slug');
    return [
        {
            slug,
            worker: typeof worker === 'string' && WORKER_NAME.test(worker) ? worker : undefined,
            finishedAt: (0,server_text/* timeOf */.nR)(field(item, 'finished_at'), 1000),
            startedAt: (0,server_text/* timeOf */.nR)(field(item, 'started_at'), 1000)
        }
    ];
}
const WORKER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.~-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;
/**
 * Whether a run's worker (`scraper_slug`) is the worker the user named. Either may be owner/name
 * (owner~name on the wire) or the worker's name alone; a run whose worker is unknown is not a match.
 */
function sameWorker(runWorker, workerId) {
    if (!runWorker)
        return false;
    const spellings = (id) => {
        const full = id.replace('~', '/').toLowerCase();
        return [full, full.split('/').at(-1) ?? full];
    };
    const [runFull, runName] = spellings(runWorker);
    const [givenFull, givenName] = spellings(workerId);
    return runFull === givenFull || (runFull.includes('/') !== givenFull.includes('/') && runName === givenName);
}
/** A log entry as CoreClaw sends it, a string or an object with `content`; anything else is skipped. */
function logEntry(item) {
    if (typeof item === 'string')
        return [{ content: item }];
    const content = field(item, 'content');
    if (typeof content !== 'string')
        return [];
    return [{ content, timestampMs: (0,server_text/* timeOf */.nR)(field(item, 'timestamp'), 1) }];
}


/***/ }),

/***/ 567:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   KF: () => (/* binding */ refuseUnusableNames),
/* harmony export */   QC: () => (/* binding */ planDestination),
/* harmony export */   Uj: () => (/* binding */ refuseExisting),
/* harmony export */   Yy: () => (/* binding */ fileFor),
/* harmony export */   p$: () => (/* binding */ checkFolder)
/* harmony export */ });
/* unused harmony export resolveDestination */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _download_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(95);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(525);
/**
 * Where the exported file goes. Path rules work for both POSIX and Windows paths, so the
 * path module is a parameter (tests pass path.win32).
 */




/**
 * Empty: `<workspace>/<run-id>.<format>`. Ends with a separator or names an existing directory:
 * `<that dir>/<run-id>.<format>`. Anything else is the file path. Relative to the workspace.
 */
function planDestination(query, isDirectory = existingDirectory, path = node_path__WEBPACK_IMPORTED_MODULE_0__) {
    if (!query.path)
        return { folder: path.resolve(query.workspace) };
    if (/[\\/]$/.test(query.path)) {
        // Either separator means "a folder", on every platform. A root stays a root: "/" alone, and
        // on Windows "C:\\" (not the drive-relative "C:") and "\\\\server\\share\\".
        const trimmed = query.path.replace(/[\\/]+$/, '');
        const root = path.parse(query.path).root;
        const folder = trimmed.length < root.length ? root : trimmed;
        return { folder: path.resolve(query.workspace, folder) };
    }
    const target = path.resolve(query.workspace, query.path);
    return isDirectory(target) ? { folder: target } : { folder: path.dirname(target), file: target };
}
/** The file for a run, by the plan. */
function fileFor(plan, runId, format, path = node_path__WEBPACK_IMPORTED_MODULE_0__) {
    return plan.file ?? path.join(plan.folder, `${runId}.${format}`);
}
function resolveDestination(query, isDirectory = existingDirectory, path = nodePath) {
    return fileFor(planDestination(query, isDirectory, path), query.runId, query.format, path);
}
/** `overwrite: false`, the one place: a file that exists is kept, and the step fails before it writes anything. */
function refuseExisting(file, overwrite) {
    if (!overwrite && (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(file))
        throw new _download_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .DestinationExistsError */ .F1(file);
}
function existingDirectory(path) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync)(path).isDirectory();
    }
    catch {
        return false;
    }
}
/** Names Windows reserves for devices, whatever the extension: a file so named can't be opened by its name. */
const RESERVED = /^(con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])(\..*)?$/i;
/**
 * Refuses a `path` that can't name a file people can use: control characters anywhere (a newline
 * would also break the log line that names it), and on Windows a reserved device name or a name
 * ending in a dot or a space. Node writes those through the \\?\ prefix, and Explorer, cmd and
 * PowerShell then can't open or delete the file by its name.
 */
function refuseUnusableNames(raw, platform = process.platform) {
    if (/[\u0000-\u001f\u007f]/.test(raw)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz('path', 'holds a control character (a line break, a tab, \u2026)', 'a file or folder path on one line');
    }
    if (platform !== 'win32')
        return;
    const bad = raw
        .split(/[\\/]/)
        .filter(part => part && part !== '.' && part !== '..' && !/^[A-Za-z]:$/.test(part))
        .find(part => RESERVED.test(part) || /[. ]$/.test(part));
    if (bad !== undefined) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz('path', `has a name Windows can't open: '${bad}'`, 'names other than CON, PRN, AUX, NUL, COM1\u2013COM9 and LPT1\u2013LPT9 (with any extension), not ending in a dot or a space');
    }
}
/**
 * Whether files can be written into `folder`, checked before anything is started or waited for:
 * the folder, or its nearest existing parent (the rest is made later), is a folder we may write to.
 */
function checkFolder(folder, path = node_path__WEBPACK_IMPORTED_MODULE_0__) {
    for (let current = folder;; current = path.dirname(current)) {
        let isFolder;
        try {
            isFolder = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync)(current).isDirectory();
        }
        catch (error) {
            const code = error.code;
            if ((code === 'ENOENT' || code === 'ENOTDIR') && path.dirname(current) !== current)
                continue;
            throw new _download_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .FileSystemError */ .ic(current, error);
        }
        if (!isFolder)
            throw new _download_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .FileSystemError */ .ic(current, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }));
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.accessSync)(current, node_fs__WEBPACK_IMPORTED_MODULE_1__.constants.W_OK);
        }
        catch (error) {
            throw new _download_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .FileSystemError */ .ic(current, error);
        }
        return;
    }
}


/***/ }),

/***/ 95:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   F1: () => (/* binding */ DestinationExistsError),
/* harmony export */   e1: () => (/* binding */ DestinationHeldError),
/* harmony export */   ic: () => (/* binding */ FileSystemError),
/* harmony export */   nV: () => (/* binding */ DownloadError),
/* harmony export */   qP: () => (/* binding */ EmptyExportError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(525);
/* harmony import */ var _http_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(223);
/** What the download and the file on disk can fail with: the storage host's answer, the destination, the disk. */


class DownloadError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    name = 'DownloadError';
    retryable;
    problem;
    detail;
    status;
    retryAfterMs;
    storageCode;
    constructor({ problem, detail, status, retryAfterMs, storageCode }) {
        super(`download failed: ${detail}`);
        this.problem = problem;
        this.detail = detail;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
        this.storageCode = storageCode;
        this.retryable =
            problem === 'truncated' ||
                problem === 'length' ||
                problem === 'checksum' ||
                (problem === 'http' && status !== undefined && (0,_http_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .isRetryableStatus */ .PS)(status));
    }
    advice(say) {
        const retried = `it is retried up to ${say.input('max-attempts')} times`;
        switch (this.problem) {
            case 'expired':
                return this.storageCode && /Signature|AuthenticationFailed/i.test(this.storageCode)
                    ? "The storage host says the link's signature does not match, even for a fresh link: the runner's clock may be off, or a proxy may rewrite the requests. Check both, then run the job again."
                    : 'The signed download link expired or was refused even after a fresh export; run the job again.';
            case 'checksum':
                return `The file did not arrive as the storage host sent it (a corrupt transfer); ${retried}.`;
            case 'bomb':
                return 'The storage host sent a compressed body that expands out of all proportion, as no export does; it was refused. Contact CoreClaw support with the request id.';
            case 'truncated':
                return `The connection to the storage host broke during the download; ${retried}.`;
            case 'length':
                return `The storage host sent a different number of bytes than it announced; ${retried}.`;
            case 'encoding':
                return 'The storage host compressed the file in a way the action cannot decode; contact CoreClaw support with the request id.';
            case 'http':
                return 'The storage host refused the download; run the job again, and contact CoreClaw support if it persists.';
        }
    }
}
/** An empty export with `if-empty: error`: the destination was left as it was. */
class EmptyExportError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    runId;
    reason;
    name = 'EmptyExportError';
    constructor(runId, reason) {
        super(`the export of run ${runId} is empty: ${reason}; nothing was written`);
        this.runId = runId;
        this.reason = reason;
    }
    advice(say) {
        return `Check the run's input and log in the CoreClaw console. If an empty result is fine, set ${say.set('if-empty', 'warn')} or ${say.set('if-empty', 'ignore')}.`;
    }
}
/** Refusing to replace a file the user asked us to keep. */
class DestinationExistsError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    path;
    name = 'DestinationExistsError';
    constructor(path) {
        super(`${path} already exists and overwriting is off; it was left untouched`);
        this.path = path;
    }
    advice(say) {
        return `Set ${say.set('overwrite', 'true')}, or choose another ${say.input('path')}.`;
    }
}
/** Windows would not let the file replace the destination: another program holds it, or it is read-only. */
class DestinationHeldError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    path;
    code;
    name = 'DestinationHeldError';
    constructor(path, code) {
        super(`Windows would not replace ${path} (${code}): another program has it open, or it is read-only`);
        this.path = path;
        this.code = code;
    }
    advice(say) {
        return `Close what holds it (a spreadsheet, a process left by an earlier step; an antivirus scan usually ends within seconds), clear its read-only attribute, or choose another ${say.input('path')}.`;
    }
}
/** Writing the file failed on the runner's side: permissions, disk space, a bad path. */
class FileSystemError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    path;
    name = 'FileSystemError';
    code;
    constructor(path, cause, detail) {
        const code = typeof cause === 'string' ? undefined : cause.code;
        super(`could not write ${path}: ${typeof cause === 'string' ? cause : (code ?? cause.message)}${detail ? ` (${detail})` : ''}`);
        this.path = path;
        this.code = code;
    }
    advice(say) {
        return this.code === 'EFBIG' || this.code === 'ENOSPC' || this.code === 'EDQUOT'
            ? `The runner's disk is full or a file-size limit was reached: free space (or raise the limit), or choose another ${say.input('path')}.`
            : `Check ${say.input('path')}, the folder's permissions and the runner's free disk space.`;
    }
}


/***/ }),

/***/ 421:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  PE: () => (/* binding */ downloadFile),
  vo: () => (/* binding */ removeTemporaryFiles)
});

// UNUSED EXPORTS: ensureFolder, pipeResponse, temporaryName

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
// EXTERNAL MODULE: ./src/download-errors.ts
var download_errors = __nccwpck_require__(95);
// EXTERNAL MODULE: ./src/errors.ts + 14 modules
var errors = __nccwpck_require__(525);
// EXTERNAL MODULE: ./src/http-errors.ts
var http_errors = __nccwpck_require__(223);
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./src/download-stages.ts
/**
 * The two stages of the download pipeline that are ours (download.ts puts them together):
 *
 *   response \u2192 Meter (the bytes as sent) \u2192 decoder \u2192 FileGuard (the file's bytes) \u2192 temporary file
 *
 * Meter guards the transfer: it counts what arrives, fails a download that stops moving, checks the
 * storage host's own checksum, and hands on small chunks together, so that a host sending a byte at
 * a time costs no more per byte downstream than one sending 64 KiB at a time. FileGuard guards the
 * file: it feeds the hash and the watchers, reports progress in bytes written, refuses a body that
 * decompresses out of all proportion, and stops before the runner's disk is full.
 */




/** Chunks smaller than this are gathered; larger ones, what a socket read gives a fast download, pass as they are. */
const SMALL_CHUNK = 16 * 1024;
/** Gathered chunks go on once there is this much, or the body ends. */
const GATHER_BYTES = 64 * 1024;
/** A host is sending tiny chunks once this many chunks under 1 KiB have come. */
const TINY_CHUNKS_SEEN = 64;
/**
 * How much gathered data may wait for the stages after the meter, once a host sends tiny chunks.
 * The response is then not paused while they flow: a paused response holds them as objects (Node's
 * parser gives each chunk a buffer of its own, 65,536 of them in a 64 KiB queue), which took Node 24
 * to 300\u2013500 MB. Large chunks keep the stream's default queue, which a larger one would inflate for
 * a fast host and a slower disk (a 8 MiB queue measured 150\u2013170 MB at 512 MiB).
 */
const TINY_CHUNK_QUEUE_BYTES = 8 * 1024 * 1024;
/**
 * And the response's own queue, once a host sends tiny chunks: 1 KiB, not Node's default (16 KiB on
 * Node 20, 64 KiB on Node 24). Each tiny chunk waits there as an ArrayBuffer of its own, and tens of
 * thousands of them outlive V8's young-generation collections, which then grows the young generation
 * to its largest. Measured on Node 24 with 1-byte chunks sent in one burst: 64 MiB peaked at 278\u2013284
 * MB before, 165\u2013194 MB after (and took 76\u201384 s, not 109 s); 16 MiB at 110\u2013244 MB before, 110\u2013128 MB
 * after (BENCHMARKS.md).
 */
const TINY_CHUNK_SOURCE_QUEUE_BYTES = 1024;
/** More than this many times the encoded size is no file a scraper exported: deflate tops out near 1,032. */
const MAX_EXPANSION = 1000;
/** Below this much output, the ratio says nothing (headers and tiny files compress oddly). */
const EXPANSION_FLOOR = 1024 * 1024;
/** The download stops when writing on would leave the runner's disk with less free space than this. */
const DISK_RESERVE_BYTES = 256 * 1024 * 1024;
/** How often free space is looked at: statfs costs a system call, so not every chunk. */
const DISK_CHECK_EVERY = 16 * 1024 * 1024;
class Meter extends external_node_stream_namespaceObject.Transform {
    checksum;
    where;
    source;
    bytes = 0;
    watchdog;
    md5;
    /**
     * Small chunks are copied in here, not kept: each is a slice that would pin the whole buffer of the
     * socket read it came from, and a host sending a byte at a time would pin thousands of them.
     */
    gathered = Buffer.allocUnsafe(GATHER_BYTES);
    gatheredBytes = 0;
    tinyChunks = 0;
    constructor(timeoutMs, onStall, checksum, where, 
    /** The response the meter reads, whose queue is cut once it sends tiny chunks. */
    source) {
        // Chunks, not bytes, bound what waits to be metered (never thousands of tiny ones), and only one:
        // `pipe` pauses a response whose write is refused until the meter's queue is empty, so a queue of
        // 16 stopped the socket while 16 chunks went on to the file, 500 times per 512 MiB. Unthrottled,
        // without the hash and the count, that took 1.18 times tool-cache's time; one chunk, 0.96
        // (BENCHMARKS.md, series E).
        super({ writableObjectMode: true, writableHighWaterMark: 1 });
        this.checksum = checksum;
        this.where = where;
        this.source = source;
        this.watchdog = setTimeout(onStall, timeoutMs);
        if (checksum)
            this.md5 = (0,external_node_crypto_namespaceObject.createHash)('md5');
    }
    _transform(chunk, _encoding, done) {
        this.bytes += chunk.length;
        this.watchdog.refresh();
        this.md5?.update(chunk);
        if (chunk.length >= SMALL_CHUNK) {
            this.pushGathered();
            return done(null, chunk);
        }
        if (chunk.length < 1024 && ++this.tinyChunks === TINY_CHUNKS_SEEN) {
            // Gathered bytes may wait after the meter, tiny chunks hardly before it.
            setQueueBytes(this, TINY_CHUNK_QUEUE_BYTES);
            if (this.source)
                setQueueBytes(this.source, TINY_CHUNK_SOURCE_QUEUE_BYTES);
        }
        if (this.gatheredBytes + chunk.length > GATHER_BYTES)
            this.pushGathered();
        chunk.copy(this.gathered, this.gatheredBytes);
        this.gatheredBytes += chunk.length;
        done();
    }
    _flush(done) {
        this.pushGathered();
        if (this.checksum && this.md5) {
            const got = this.md5.digest('base64');
            if (got !== this.checksum.md5) {
                return done(new download_errors/* DownloadError */.nV({
                    problem: 'checksum',
                    detail: `the body from ${this.where} does not match the storage host's ${this.checksum.header} (MD5 ${got}, announced ${this.checksum.md5.slice(0, 32)})`
                }));
            }
        }
        done();
    }
    stop() {
        clearTimeout(this.watchdog);
    }
    pushGathered() {
        if (this.gatheredBytes === 0)
            return;
        // Handed downstream whole; the next chunks go into a new buffer.
        this.push(this.gathered.subarray(0, this.gatheredBytes));
        this.gathered = Buffer.allocUnsafe(GATHER_BYTES);
        this.gatheredBytes = 0;
    }
}
/** A stream reads its high-water mark at every push: changing it changes how much may wait from then on. */
function setQueueBytes(stream, bytes) {
    ;
    stream._readableState.highWaterMark = bytes;
}
class FileGuard extends external_node_stream_namespaceObject.Transform {
    options;
    bytes = 0;
    nextDiskCheck = DISK_CHECK_EVERY;
    constructor(options) {
        super();
        this.options = options;
    }
    _transform(chunk, _encoding, done) {
        this.bytes += chunk.length;
        const { encoded, watchers, onProgress } = this.options;
        if (encoded && this.bytes > EXPANSION_FLOOR && this.bytes > MAX_EXPANSION * encoded.bytes) {
            return done(new download_errors/* DownloadError */.nV({
                problem: 'bomb',
                detail: `the body from ${this.options.where} expanded to more than ${MAX_EXPANSION} times its ${encoded.bytes} compressed bytes (${this.bytes} bytes so far): a decompression bomb, not an export`
            }));
        }
        for (const watcher of watchers)
            watcher.update(chunk);
        onProgress?.(this.bytes);
        if (this.bytes < this.nextDiskCheck)
            return done(null, chunk);
        this.nextDiskCheck = this.bytes + DISK_CHECK_EVERY;
        this.checkDisk().then(() => done(null, chunk), error => done(error));
    }
    /** Fails before the disk is full: the other steps of the job need their space too. */
    async checkDisk() {
        let free;
        try {
            const stats = await (0,promises_namespaceObject.statfs)(this.options.folder);
            free = stats.bavail * stats.bsize;
        }
        catch {
            return; // A file system that can't say: the write itself fails when it is full.
        }
        const reserve = this.options.reserveBytes ?? DISK_RESERVE_BYTES;
        if (free < reserve) {
            throw new download_errors/* FileSystemError */.ic(this.options.folder, Object.assign(new Error('disk full'), { code: 'ENOSPC' }), `the runner's disk is full: stopped with ${this.bytes} bytes written, before less than ${Math.round(reserve / 1024 / 1024)} MiB would be left`);
        }
    }
}
/** The storage host's checksum of the body, when it sends one we can check. */
function storageChecksum(headers) {
    const contentMd5 = headers['content-md5'];
    if (typeof contentMd5 === 'string' && /^[A-Za-z0-9+/]{22}==$/.test(contentMd5.trim())) {
        return { header: 'Content-MD5', md5: contentMd5.trim() };
    }
    // GCS: "x-goog-hash: crc32c=\u2026, md5=\u2026", possibly as two headers (Node joins them with ", ").
    const goog = headers['x-goog-hash'];
    const joined = Array.isArray(goog) ? goog.join(',') : goog;
    const md5 = /(?:^|,)\s*md5=([A-Za-z0-9+/]{22}==)/.exec(joined ?? '')?.[1];
    return md5 ? { header: 'x-goog-hash', md5 } : undefined;
}

// EXTERNAL MODULE: ./src/http.ts
var http = __nccwpck_require__(803);
// EXTERNAL MODULE: ./src/server-text.ts
var server_text = __nccwpck_require__(86);
// EXTERNAL MODULE: ./src/retry.ts
var retry = __nccwpck_require__(809);
;// CONCATENATED MODULE: ./src/replace-file.ts
/**
 * The last step of a download: the finished temporary file takes the destination's place, on every
 * file system the runners have.
 *
 * - Replacing (`overwrite: true`) is one rename. On Windows, libuv's rename is one
 *   MoveFileExW(MOVEFILE_REPLACE_EXISTING), which fails with EPERM, EACCES or EBUSY while another
 *   program (Excel, an antivirus or indexer scan, a process of an earlier step) has the destination
 *   open, and graceful-fs retries only while the destination does not exist. So on win32 the
 *   rename is retried with back-off for about 10 s, and then the error says what holds it.
 * - Keeping an existing file (`overwrite: false`) is a hard link, which fails when the name is taken,
 *   even by a file created during the download. File systems without hard links (exFAT and FAT
 *   answer a misleading EISDIR; SMB shares, some NFS and FUSE mounts and old ReFS ENOTSUP or EPERM)
 *   fall back to claiming the name with an exclusive create, then renaming over that placeholder of
 *   our own: still atomic for readers of the content, still never replacing someone else's file.
 *   `copyFile(COPYFILE_EXCL)` would write the bytes twice and show a half-copied file meanwhile.
 */



const nodeFileOps = {
    rename: promises_namespaceObject.rename,
    link: promises_namespaceObject.link,
    unlink: promises_namespaceObject.unlink,
    createExclusive: async (path) => (await promises_namespaceObject.open(path, 'wx')).close()
};
/** About as long as a virus scan or an indexer holds a new file; then the user has to act. */
const HELD_RETRY_MS = 10_000;
const HELD = new Set(['EPERM', 'EACCES', 'EBUSY']);
/**
 * Puts `temporary` in `destination`'s place. Returns warnings that don't fail the export (the
 * file is in place by then), e.g. a temporary file that could not be removed.
 */
async function replaceFile(temporary, destination, options) {
    const ops = options.ops ?? nodeFileOps;
    if (options.overwrite) {
        await renameOver(temporary, destination, options);
        return [];
    }
    try {
        await ops.link(temporary, destination);
    }
    catch (error) {
        if (codeOf(error) === 'EEXIST')
            throw new download_errors/* DestinationExistsError */.F1(destination);
        await claimThenRename(temporary, destination, options);
        return [];
    }
    // Linked: the export is done. The temporary name left behind is a nuisance, not a failure.
    try {
        await ops.unlink(temporary);
        return [];
    }
    catch (error) {
        return [
            `The file is in place, but its temporary copy ${temporary} could not be removed (${codeOf(error)}); delete it by hand.`
        ];
    }
}
async function claimThenRename(temporary, destination, options) {
    const ops = options.ops ?? nodeFileOps;
    try {
        await ops.createExclusive(destination);
    }
    catch (error) {
        if (codeOf(error) === 'EEXIST')
            throw new download_errors/* DestinationExistsError */.F1(destination);
        throw error;
    }
    try {
        await renameOver(temporary, destination, options);
    }
    catch (error) {
        // The placeholder is ours; nobody else's file was at that name.
        await ops.unlink(destination).catch(() => undefined);
        throw error;
    }
}
async function renameOver(temporary, destination, options) {
    const ops = options.ops ?? nodeFileOps;
    const clock = options.clock ?? retry/* realClock */.dQ;
    const windows = (options.platform ?? process.platform) === 'win32';
    const until = clock.now() + HELD_RETRY_MS;
    for (let delay = 100;; delay = Math.min(delay * 2, 2000)) {
        try {
            return await ops.rename(temporary, destination);
        }
        catch (error) {
            const code = codeOf(error);
            if (!windows || !code || !HELD.has(code))
                throw error;
            if (options.signal?.aborted || clock.now() + delay > until)
                throw new download_errors/* DestinationHeldError */.e1(destination, code);
            await clock.sleep(delay, options.signal);
        }
    }
}
function codeOf(error) {
    return error?.code;
}

;// CONCATENATED MODULE: ./src/download.ts
/**
 * Streams the file behind a signed `download_url` into place, as one pipeline of Node streams:
 *
 *   response \u2192 meter (bytes received, stall watchdog, storage checksum) \u2192 decoder (if Content-Encoding)
 *            \u2192 file guard (sha256, size, watchers, progress, expansion and disk checks) \u2192 temporary file
 *
 * The temporary file sits beside the destination. Before it is renamed into place, the bytes
 * received must equal Content-Length and the bytes on disk must equal the bytes that came out of
 * the pipeline. On any failure, or cancellation, the temporary file is removed and the destination
 * is left as it was. No CoreClaw credentials go to the storage host, on any hop.
 */













/** Signed links that are dead: ask for a fresh one instead of retrying. */
const EXPIRED = new Set([403, 404, 410]);
/** 64 KiB, the size of a socket read: larger buffers (256 KiB to 4 MiB) measured no faster here (BENCHMARKS.md). */
const WRITE_BUFFER_BYTES = 64 * 1024;
/** zlib is loaded by the downloads that need it: most storage hosts send exports as they are. */
async function decoder(encoding) {
    const zlib = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 522, 23));
    return { gzip: zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress }[encoding]();
}
/** Temporary files that exist right now, so that a cancelled step can remove them on its way out. */
const temporaryFiles = new Set();
/** Removes any temporary file still there: the last thing a cancelled step does. */
function removeTemporaryFiles() {
    for (const file of temporaryFiles) {
        // Each on its own: one that Windows holds (EBUSY) must not keep the others, or the exit, from happening.
        try {
            (0,external_node_fs_.rmSync)(file, { force: true });
        }
        catch {
            // Left behind; the runner's cleanup of the workspace is the last resort.
        }
    }
    temporaryFiles.clear();
}
async function downloadFile(url, destination, options) {
    await ensureFolder(external_node_path_.dirname(destination));
    // No `sign`: the storage host never sees CoreClaw credentials, on any hop.
    const response = await (0,http/* request */.Em)(new URL(url), {
        operation: 'download',
        userAgent: options.userAgent,
        timeoutMs: options.timeoutMs,
        // We decode these, so the file is still the format that was asked for.
        headers: { 'accept-encoding': 'gzip, deflate, br' },
        signal: options.signal
    });
    try {
        return await save(response, destination, options);
    }
    finally {
        response.close();
    }
}
async function save(response, destination, options) {
    const { status, headers } = response;
    const where = (0,http/* loggable */.oM)(response.url);
    if (status !== 200)
        throw await refusal(response, where, options.timeoutMs);
    const encoding = contentEncoding(headers['content-encoding']);
    const length = headers['content-length'];
    const expected = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    const checksum = storageChecksum(headers);
    const folder = external_node_path_.dirname(destination);
    const temporary = external_node_path_.join(folder, temporaryName(external_node_path_.basename(destination)));
    const stalled = () => response.close(http_errors/* TimeoutError */.MU.stalled('download', options.timeoutMs));
    const meter = new Meter(options.timeoutMs, stalled, checksum, where, response.body);
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
    const guard = new FileGuard({
        watchers: [hash, ...(options.watchers ?? [])],
        onProgress: bytes => options.onProgress?.(bytes, encoding ? undefined : expected),
        encoded: encoding ? meter : undefined,
        folder,
        where
    });
    temporaryFiles.add(temporary);
    const file = (0,external_node_fs_.createWriteStream)(temporary, { flags: 'wx', highWaterMark: WRITE_BUFFER_BYTES });
    try {
        await pipeResponse(response.body, [meter, ...(encoding ? [await decoder(encoding)] : []), guard, file]);
        if (expected !== undefined && meter.bytes !== expected) {
            throw new download_errors/* DownloadError */.nV({
                problem: 'length',
                detail: `${where} announced ${expected} bytes and sent ${meter.bytes}`
            });
        }
        // A short write must never pass for a file: the disk holds exactly what came through, or we fail.
        const onDisk = (await (0,promises_namespaceObject.stat)(temporary)).size;
        if (file.bytesWritten !== guard.bytes || onDisk !== guard.bytes) {
            throw new download_errors/* FileSystemError */.ic(destination, `only ${onDisk} of ${guard.bytes} bytes reached the disk`);
        }
        const sha256 = hash.digest('hex');
        await options.beforeCommit?.({ temporary, size: guard.bytes, sha256 });
        const warnings = await replaceFile(temporary, destination, { overwrite: options.overwrite, signal: options.signal });
        // Neither a length nor chunked framing: a connection cut short would have looked like the end.
        if (expected === undefined && !/chunked/i.test(headers['transfer-encoding'] ?? '')) {
            warnings.push(`The storage host did not announce the file's length (no Content-Length, no chunked framing), so a cut connection could not be told from the end of the file: check ${external_node_path_.basename(destination)} before relying on it.`);
        }
        return {
            path: destination,
            size: guard.bytes,
            sha256,
            decoded: encoding,
            warnings,
            verified: checksum?.header
        };
    }
    catch (error) {
        // A body that fails at once can fail before the file is even open: the stream then still opens
        // it (creating it) and closes it. Removed only after that, or it would be created after removal.
        if (!file.closed)
            await new Promise(resolve => file.once('close', () => resolve()).destroy());
        await (0,promises_namespaceObject.unlink)(temporary).catch(() => undefined);
        throw classify(error, destination, where, expected, encoding);
    }
    finally {
        meter.stop();
        temporaryFiles.delete(temporary);
    }
}
/**
 * `pipeline` from the response's body through the stages, with the body destroyed as soon as its
 * reader, the first stage, is. Node's pipeline ends a client response by aborting its request, and
 * that does nothing once the socket has closed: a body that had all arrived while it waited, paused,
 * behind a stage that then failed, waits for an 'end' that nobody reads, and pipeline never settles
 * (a step whose file failed with EFBIG hung until the stall watchdog, a minute later). It is
 * destroyed with the stage's error: destroyed without one, an ended body is still awaited.
 */
async function pipeResponse(body, stages) {
    const reader = stages[0];
    reader.once('close', () => {
        if (!body.readableEnded)
            body.destroy(reader.errored ?? new Error('the download stopped before its end'));
    });
    const streams = [body, ...stages];
    await (0,external_node_stream_promises_namespaceObject.pipeline)(streams);
}
/**
 * Makes the destination's folder when it is missing. An existing one is left alone: `mkdir` of a
 * Windows drive root (`D:\\`), even with `recursive`, fails with EPERM.
 */
async function ensureFolder(folder) {
    try {
        if ((await (0,promises_namespaceObject.stat)(folder)).isDirectory())
            return;
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    }
    catch (error) {
        if (error.code !== 'ENOENT')
            throw new download_errors/* FileSystemError */.ic(folder, error);
    }
    try {
        await (0,promises_namespaceObject.mkdir)(folder, { recursive: true });
    }
    catch (error) {
        throw new download_errors/* FileSystemError */.ic(folder, error);
    }
}
/**
 * `.<name>.<8 hex>.part` beside the destination, cut to fit where the destination fits: most file
 * systems allow 255 bytes of name, and a destination name can use them all.
 */
function temporaryName(base) {
    const suffix = `.${(0,external_node_crypto_namespaceObject.randomUUID)().slice(0, 8)}.part`;
    let name = base;
    while (Buffer.byteLength(`.${name}${suffix}`) > 255)
        name = name.slice(0, -1);
    return `.${name}${suffix}`;
}
/**
 * A storage answer other than 200, as an error that says what the storage host said. S3, Azure and
 * GCS put an error code in an XML body (`SignatureDoesNotMatch`, `AccessDenied`, \u2026): it is read, a
 * few KiB at most and within the timeout, escaped, and kept in the error.
 */
async function refusal(response, where, timeoutMs) {
    const { status, headers } = response;
    const timer = setTimeout(() => response.close(http_errors/* TimeoutError */.MU.noAnswer('download', timeoutMs)), timeoutMs);
    const body = await (0,http/* readText */.yR)(response, 'download', 16 * 1024).catch(() => '');
    clearTimeout(timer);
    const code = /<Code>\s*([A-Za-z0-9._-]{1,64})\s*<\/Code>/.exec(body)?.[1];
    const detail = `the storage host answered HTTP ${status}${code ? ` (${(0,server_text/* forLog */.Ig)(code, 64)})` : ''} for ${where}`;
    if (EXPIRED.has(status))
        return new download_errors/* DownloadError */.nV({ problem: 'expired', detail, status, storageCode: code });
    const retryAfterMs = (0,retry/* parseRetryAfter */.mu)(headers['retry-after'], Date.now());
    return new download_errors/* DownloadError */.nV({ problem: 'http', detail, status, retryAfterMs, storageCode: code });
}
/** undefined for identity; one of ours, or a final error for anything else. */
function contentEncoding(header) {
    const codings = (header ?? '')
        .toLowerCase()
        .split(',')
        .map(coding => coding.trim())
        .filter(coding => coding && coding !== 'identity');
    if (codings.length === 0)
        return undefined;
    const only = codings.length === 1 ? (codings[0] === 'x-gzip' ? 'gzip' : codings[0]) : undefined;
    if (only === 'gzip' || only === 'deflate' || only === 'br')
        return only;
    throw new download_errors/* DownloadError */.nV({
        problem: 'encoding',
        detail: `the storage host sent the file with Content-Encoding "${(0,server_text/* forLog */.Ig)(codings.join(', '), 64)}", which the action cannot decode (it decodes gzip, deflate and br)`
    });
}
const FILE_CALLS = new Set(['open', 'write', 'writev', 'close', 'rename', 'link', 'unlink', 'stat']);
const CUT_SHORT = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
/** One error from anywhere in the pipeline, as what it means for the user. */
function classify(error, destination, where, expected, encoding) {
    if (error instanceof errors/* ActionError */.lZ)
        return error;
    const { syscall, code } = (error ?? {});
    if (syscall && FILE_CALLS.has(syscall))
        return new download_errors/* FileSystemError */.ic(destination, error);
    if (code && CUT_SHORT.has(code)) {
        const whole = expected === undefined ? 'the whole file' : `all ${expected} bytes`;
        return new download_errors/* DownloadError */.nV({
            problem: 'truncated',
            detail: `the connection to ${where} closed before ${whole} arrived`
        });
    }
    if (encoding && code === 'Z_BUF_ERROR') {
        // zlib's "unexpected end of file": the compressed body stopped early, as a cut download does.
        return new download_errors/* DownloadError */.nV({
            problem: 'truncated',
            detail: `the ${encoding} body from ${where} ended before its end (${code})`
        });
    }
    if (encoding && code && (code.startsWith('Z_') || code.startsWith('ERR__'))) {
        // Z_DATA_ERROR, brotli's ERR__ERROR_FORMAT_*: bytes that are not what the encoding says.
        return new download_errors/* DownloadError */.nV({
            problem: 'encoding',
            detail: `the ${encoding} body from ${where} is not valid ${encoding} (${code})`
        });
    }
    return (0,http/* networkError */.x6)(error, 'download');
}


/***/ }),

/***/ 678:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Y_: () => (/* binding */ quietDependencies),
/* harmony export */   sL: () => (/* binding */ proxySpellingWarnings)
/* harmony export */ });
/* unused harmony export warningCode */
/**
 * What the runner's environment can get wrong without a word. On Linux and macOS,
 * @actions/http-client reads `https_proxy` before `HTTPS_PROXY` (and `no_proxy` before `NO_PROXY`),
 * and self-hosted runners set the lowercase spellings from their own configuration. So a step-level
 * `HTTPS_PROXY` can be silently overridden. (Windows' environment ignores case: one variable.)
 */
const PAIRS = [
    ['https_proxy', 'HTTPS_PROXY'],
    ['http_proxy', 'HTTP_PROXY'],
    ['no_proxy', 'NO_PROXY']
];
/** A warning for each pair whose spellings are both set and differ. Values are never shown: they can hold credentials. */
function proxySpellingWarnings(env, platform) {
    if (platform === 'win32')
        return [];
    return PAIRS.filter(([lower, upper]) => env[lower] && env[upper] && env[lower] !== env[upper]).map(([lower, upper]) => `${lower} and ${upper} are both set, to different values; ${lower} is the one used. Set both spellings to the same value (in the step's env) to be sure which applies.`);
}
/**
 * `tunnel`, which http-client uses for proxies, calls the deprecated `Buffer()` when the proxy URL
 * has credentials, and Node prints DEP0005 into the user's log for it. The user can do nothing
 * about a bundled dependency's deprecation, so the step drops that one warning. Every other
 * warning, other deprecations included, still prints.
 */
function quietDependencies() {
    const emit = process.emitWarning.bind(process);
    process.emitWarning = ((...args) => {
        if (warningCode(args) === QUIETED)
            return;
        emit(...args);
    });
}
/** Node's deprecation of `Buffer()`, which only `tunnel` calls. */
const QUIETED = 'DEP0005';
/** A warning's code: `emitWarning(warning, type, code)` or `emitWarning(warning, { code })`. */
function warningCode([, second, third]) {
    return second !== null && typeof second === 'object' ? second.code : third;
}


/***/ }),

/***/ 525:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  lZ: () => (/* binding */ ActionError),
  M3: () => (/* binding */ AttemptsExhaustedError),
  cc: () => (/* binding */ CancelledError),
  dz: () => (/* binding */ InputError),
  z6: () => (/* binding */ asActionError),
  em: () => (/* binding */ sentence)
});

// UNUSED EXPORTS: UnexpectedError

;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function utils_toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_namespaceObject.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!fs.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    fs.appendFileSync(filePath, `${toCommandValue(message)}${os.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
    const convertedValue = toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${os.EOL}${convertedValue}${os.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 2 modules
var lib = __nccwpck_require__(313);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_namespaceObject.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_namespaceObject.constants.R_OK | external_fs_namespaceObject.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_namespaceObject.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = (/* unused pure expression or super */ null && (_summary));
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_namespaceObject.platform();
const arch = external_os_namespaceObject.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value));
    }
    process.stdout.write(os.EOL);
    issueCommand('set-output', { name }, toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    command_issueCommand('notice', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_namespaceObject.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    command_issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    command_issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./src/log.ts
/**
 * Where progress and warnings go: the Actions log through @actions/core, or stderr for the CLI.
 * Messages that hold server text must already have passed through `forLog` (server-text.ts), and
 * a message that names a setting names it in the reader's words (`say`, a `Vocabulary`): a step's
 * input in a workflow, an option on the command line (cli.ts has that one).
 */

const STEP_INPUTS = {
    input: name => `'${name}'`,
    set: (name, value) => `'${name}: ${value}'`,
    key: "the secret passed as 'api-key' (e.g. secrets.CORECLAW_API_KEY)"
};
const actionLog = {
    info: message => info(message),
    warning: (message, title) => warning(message, title ? { title } : {}),
    notice: (message, title) => notice(message, title ? { title } : {}),
    debug: message => core_debug(message),
    group: (title, work) => group(title, work),
    say: STEP_INPUTS
};

;// CONCATENATED MODULE: ./src/errors.ts

/** The message as a sentence: one full stop at the end, never two. */
function sentence(text) {
    return /[.!?\u2026]$/.test(text) ? text : `${text}.`;
}
class ActionError extends Error {
    retryable = false;
    retryAfterMs;
    requestId;
    /** What to do next, as a workflow's author reads it. */
    get hint() {
        return this.advice(STEP_INPUTS);
    }
}
/**
 * An input that can't be used. The message says what is wrong with it; the advice what it takes
 * ("Set 'format' to csv, json, \u2026"), or `todo` where the fix is not a value for this input.
 */
class InputError extends ActionError {
    input;
    problem;
    accepted;
    todo;
    name = 'InputError';
    constructor(input, problem, accepted, todo) {
        super(`Input '${input}' ${problem}`);
        this.input = input;
        this.problem = problem;
        this.accepted = accepted;
        this.todo = todo;
    }
    advice(say) {
        return this.todo ? sentence(this.todo) : `Set ${say.input(this.input)} to ${sentence(this.accepted)}`;
    }
}
/** The step was cancelled (SIGINT or SIGTERM from the runner). */
class CancelledError extends ActionError {
    signal;
    unsentOperation;
    name = 'CancelledError';
    constructor(signal, 
    /**
     * The request the cancellation cut before its connection was made (a proxy's CONNECT still
     * waiting): none of its bytes left, so the server did nothing. The phase rule, as for NetworkError.
     */
    unsentOperation) {
        super(`cancelled${signal ? ` by ${signal}` : ''}${unsentOperation ? ` before the ${unsentOperation} was sent` : ''}`);
        this.signal = signal;
        this.unsentOperation = unsentOperation;
    }
    /** The same cancellation, for a request it cut before any of it was sent. */
    beforeSending(operation) {
        return new CancelledError(this.signal, operation);
    }
    advice() {
        return this.unsentOperation
            ? `The ${this.unsentOperation} never reached CoreClaw, so nothing was started; nothing was written, and any previous file was kept.`
            : 'Nothing was written, and any previous file was kept.';
    }
}
/** A retryable failure that kept happening until the attempts ran out. */
class AttemptsExhaustedError extends ActionError {
    attempts;
    last;
    name = 'AttemptsExhaustedError';
    requestId;
    constructor(attempts, last) {
        super(`gave up after ${attempts} attempts; the last one: ${last.message}`);
        this.attempts = attempts;
        this.last = last;
        this.requestId = last.requestId;
    }
    advice(say) {
        return this.last.advice(say);
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
    advice() {
        return 'This looks like a bug in the action: please report it with the log of this step.';
    }
}


/***/ }),

/***/ 381:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  q: () => (/* binding */ exportRun)
});

// UNUSED EXPORTS: WAIT_REPORT_EVERY_MS

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
// EXTERNAL MODULE: ./src/progress.ts
var progress = __nccwpck_require__(660);
// EXTERNAL MODULE: ./src/server-text.ts
var server_text = __nccwpck_require__(86);
;// CONCATENATED MODULE: ./src/threads.ts
/**
 * Work that runs in a worker thread of its own, a bundle beside the action's (dist/<name>.js):
 * the schema check and the comparison. A thread has its own heap, with limits, so work on data
 * from elsewhere (a server's schema, a big export) can fail or be stopped without the step: its
 * own event loop and signals stay free, and an export that needs neither never loads their code.
 */

/** Runs dist/<name>.js with `data` and waits for its one message. */
async function inThread(name, data, options) {
    const { resourceLimits, deadlineMs, signal } = options;
    // Loaded by the steps that use a thread: worker_threads costs every step's start-up some 2 ms.
    const { Worker } = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 919, 23));
    return new Promise((resolve, reject) => {
        const thread = new Worker(threadFile(name), { workerData: data, resourceLimits });
        const settle = (outcome) => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            void thread.terminate();
            outcome();
        };
        const timer = deadlineMs === undefined
            ? undefined
            : setTimeout(() => settle(() => resolve({ kind: 'failed', why: `it took longer than ${deadlineMs / 1000} s` })), deadlineMs);
        const onAbort = () => settle(() => reject(signal?.reason));
        if (signal?.aborted)
            return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        thread.once('message', (answer) => settle(() => resolve({ kind: 'answer', answer })));
        thread.once('error', error => settle(() => resolve({ kind: 'failed', why: `it failed (${error.message})` })));
        thread.once('exit', () => settle(() => resolve({ kind: 'failed', why: 'it ended without an answer' })));
    });
}
/**
 * The thread's code, wherever the action runs from: beside the bundle (dist/<name>.js, the action
 * and the CLI); run from the sources (`@github/local-action`, a test in jest), the bundle in the
 * checkout's dist/, or else this file's TypeScript sibling, for a runtime that loads it. The name
 * is a parameter on purpose: a literal `new URL('./x.js', import.meta.url)` makes ncc copy the
 * source file it finds as an asset.
 */
function threadFile(name) {
    const candidates = [`./${name}.js`, `../dist/${name}.js`, `./${name}.ts`].map(file => new URL(file, import.meta.url));
    return candidates.find(file => (0,external_node_fs_.existsSync)(file)) ?? candidates[0];
}

// EXTERNAL MODULE: ./src/errors.ts + 14 modules
var errors = __nccwpck_require__(525);
;// CONCATENATED MODULE: ./src/workspace-files.ts
/**
 * Files a workflow names for the step to read (`input-file`, `compare-with`). What they hold is
 * sent to CoreClaw or shown in the summary, so a path that leads out of the workspace
 * (`../../secret.json`, an absolute path, a symlink checked into the repository) must not reach
 * whatever it points at: the real path, every link resolved, must be inside one of the roots.
 */



/** Refuses a file whose real path is outside every root. One that does not exist is left for its reader to report. */
function refuseOutside(input, file, shown, roots, accepted) {
    let real;
    try {
        real = (0,external_node_fs_.realpathSync)(file);
    }
    catch {
        return;
    }
    const inside = roots.some(root => {
        let realRoot;
        try {
            realRoot = (0,external_node_fs_.realpathSync)(root);
        }
        catch {
            return false;
        }
        const relative = external_node_path_.relative(caseOf(realRoot), caseOf(real));
        return relative !== '' && !relative.startsWith('..') && !external_node_path_.isAbsolute(relative);
    });
    if (!inside)
        throw new errors/* InputError */.dz(input, `leads outside the workspace: ${shown} is ${real}`, accepted);
}
/** A regular file we may read, or an InputError that says which of those it is not. */
function refuseUnreadable(input, file, shown, accepted) {
    try {
        // stat, not open: opening a FIFO (or a device) waits for a writer, and no signal ends that wait.
        if (!(0,external_node_fs_.statSync)(file).isFile())
            throw new errors/* InputError */.dz(input, `is not a regular file: ${shown}`, accepted);
        (0,external_node_fs_.accessSync)(file, external_node_fs_.constants.R_OK);
    }
    catch (error) {
        if (error instanceof errors/* InputError */.dz)
            throw error;
        const code = error.code;
        throw new errors/* InputError */.dz(input, code === 'ENOENT' ? `names a file that does not exist: ${shown}` : `could not be read (${code}): ${shown}`, accepted);
    }
}
/** Windows' paths are compared without case, as its file systems do. */
function caseOf(file) {
    return process.platform === 'win32' ? file.toLowerCase() : file;
}

;// CONCATENATED MODULE: ./src/compare.ts
/**
 * Comparing this export with an earlier one, as the step does it: which file (`compare-with`,
 * checked before any request), when (before the new file replaces it), and what the log says.
 * How two files are compared is row-diff.ts's.
 */






/**
 * The file `compare-with` names, checked now: a missing or unreadable one, or one outside the
 * workspace and RUNNER_TEMP, fails before anything is billed. `previous` is the destination,
 * whatever is there when the download completes.
 */
function compareSpecOf(compareWith, keyFields, { workspace, readableRoots }) {
    if (compareWith === 'none')
        return undefined;
    if (compareWith === 'previous')
        return { keyFields };
    const file = external_node_path_.resolve(workspace, compareWith.file);
    const accepted = "an earlier export's path, relative to the workspace (restore it first, e.g. with actions/cache), 'previous' or 'none'";
    if (readableRoots)
        refuseOutside('compare-with', file, compareWith.file, readableRoots, accepted);
    refuseUnreadable('compare-with', file, compareWith.file, accepted);
    return { earlier: { file, shown: compareWith.file }, keyFields };
}
/**
 * Compares the downloaded file (still `temporary`) with the earlier export, before it replaces the
 * destination. Nothing to compare with (no file at the destination yet) is no comparison.
 */
async function compareWithEarlier(spec, download, { workspace, signal, log }) {
    const previous = spec.earlier?.file ?? existingFile(download.destination);
    if (!previous) {
        log.info(`Nothing to compare with: there is no file at ${download.destination} yet.`);
        return undefined;
    }
    const shown = spec.earlier?.shown ?? external_node_path_.relative(workspace, previous);
    const job = {
        previous,
        current: download.temporary,
        currentSha256: download.sha256,
        format: download.format,
        keyFields: spec.keyFields
    };
    // The young generation bounded: a million rows make a lot of short-lived garbage. Typed arrays
    // (the fingerprints) live outside the heap, and the old generation holds little.
    const outcome = await inThread('compare-worker', job, {
        resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 96 },
        signal
    });
    if (outcome.kind === 'answer')
        return { ...outcome.answer, with: shown, previous: !spec.earlier };
    // A comparison is news about the export, never a reason to fail it.
    log.notice(`The export could not be compared with ${(0,server_text/* forLog */.Ig)(shown, 512)} (${(0,server_text/* forLog */.Ig)(outcome.why, 256)}).`, 'Not compared');
    return undefined;
}
/** What changed, in one line; and a notice when rows could have been compared and were not. */
function reportComparison({ with: shown, changed, rows, notice }, log) {
    // Either rows could not be compared (by bytes, then), or key fields could not be used (whole rows).
    if (notice)
        log.notice((0,server_text/* forLog */.Ig)(notice, 1024), rows ? 'Rows compared whole' : 'Compared by bytes');
    const earlier = (0,server_text/* forLog */.Ig)(shown, 512);
    if (!rows) {
        log.info(changed ? `The file differs from ${earlier}.` : `The file is the same as ${earlier}, byte for byte.`);
        return;
    }
    log.info(`Compared with ${earlier}, rows: ${changesInWords(rows, name => (0,server_text/* forLog */.Ig)(name, 64))}.`);
}
/**
 * "12 added, 3 removed, 40 changed, column phone added", or "no rows added or removed". Column
 * names are data: `shown` makes them safe where they go (the log, the summary).
 */
function changesInWords(rows, shown) {
    const { added, removed, changed, columnsAdded, columnsRemoved } = rows;
    const parts = added + removed + (changed ?? 0) === 0
        ? [changed === undefined ? 'no rows added or removed' : 'no rows added, removed or changed']
        : [`${(0,progress/* thousands */.oh)(added)} added`, `${(0,progress/* thousands */.oh)(removed)} removed`];
    if (changed !== undefined && parts.length === 2)
        parts.push(`${(0,progress/* thousands */.oh)(changed)} changed`);
    const columns = [
        ...columnsAdded.map(name => `column ${shown(name)} added`),
        ...columnsRemoved.map(name => `column ${shown(name)} removed`)
    ];
    // A file whose every column was renamed names them all otherwise.
    if (columns.length > 6)
        columns.splice(6, columns.length - 6, `${columns.length - 6} more columns changed`);
    return [...parts, ...columns].join(', ');
}
function existingFile(file) {
    return (0,external_node_fs_.existsSync)(file) && (0,external_node_fs_.statSync)(file).isFile() ? file : undefined;
}

// EXTERNAL MODULE: ./src/coreclaw.ts + 1 modules
var coreclaw = __nccwpck_require__(479);
// EXTERNAL MODULE: ./src/destination.ts
var src_destination = __nccwpck_require__(567);
// EXTERNAL MODULE: ./src/environment.ts
var environment = __nccwpck_require__(678);
// EXTERNAL MODULE: ./src/download.ts + 6 modules
var download = __nccwpck_require__(421);
// EXTERNAL MODULE: ./src/download-errors.ts
var download_errors = __nccwpck_require__(95);
// EXTERNAL MODULE: ./src/http.ts
var http = __nccwpck_require__(803);
// EXTERNAL MODULE: ./src/inputs.ts
var src_inputs = __nccwpck_require__(422);
// EXTERNAL MODULE: ./src/file-checks.ts
var file_checks = __nccwpck_require__(387);
;// CONCATENATED MODULE: ./src/worker-input.ts
/**
 * The worker's input for `run-id: new`: JSON text from `input`, or a JSON file from `input-file`,
 * read and parsed before any request. It may hold the scraped site's credentials, so no message
 * here ever quotes it: errors say where the JSON breaks, never what it says.
 */




/** A worker's input is a form's worth of settings; a larger file is a mistake, not an input. */
const MAX_INPUT_BYTES = 1024 * 1024;
/** `roots`: the folders the file must really be in, symlinks resolved; anywhere when absent. */
function readWorkerInput(given, workspace, roots) {
    if ('text' in given)
        return parseObject(given.text, 'input', 'the JSON text');
    const file = external_node_path_.resolve(workspace, given.file);
    if (roots) {
        refuseOutside('input-file', file, given.file, roots, "a JSON file inside the workspace or the runner's temporary folder (RUNNER_TEMP), not a link out of them");
    }
    return parseObject(readSmallFile(file, given.file), 'input-file', given.file);
}
function readSmallFile(file, shown) {
    let fd;
    try {
        // Looked at before it is opened: opening a FIFO (or a device) waits for a writer, and no
        // signal ends that wait. O_NONBLOCK too, for one swapped in between (POSIX only).
        if (!(0,external_node_fs_.statSync)(file).isFile())
            throw notAFile(shown);
        fd = (0,external_node_fs_.openSync)(file, external_node_fs_.constants.O_RDONLY | (external_node_fs_.constants.O_NONBLOCK ?? 0));
    }
    catch (error) {
        if (error instanceof errors/* InputError */.dz)
            throw error;
        const code = error.code;
        const problem = code === 'ENOENT' ? `names a file that does not exist: ${shown}` : `could not be read (${code}): ${shown}`;
        throw new errors/* InputError */.dz('input-file', problem, 'a path to a JSON file, relative to the workspace (check out the repository first)');
    }
    try {
        const stats = (0,external_node_fs_.fstatSync)(fd);
        if (!stats.isFile())
            throw notAFile(shown);
        if (stats.size > MAX_INPUT_BYTES) {
            throw new errors/* InputError */.dz('input-file', `is ${stats.size} bytes: ${shown}`, `a JSON file of at most ${MAX_INPUT_BYTES} bytes (1 MiB)`);
        }
        const bytes = Buffer.alloc(stats.size);
        let read = 0;
        while (read < bytes.length) {
            const n = (0,external_node_fs_.readSync)(fd, bytes, read, bytes.length - read, read);
            if (n === 0)
                break;
            read += n;
        }
        return utf8Text(bytes.subarray(0, read), shown);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
function notAFile(shown) {
    return new errors/* InputError */.dz('input-file', `is not a regular file: ${shown}`, 'a path to a JSON file, relative to the workspace');
}
/**
 * The file as UTF-8 text. Bytes that are not UTF-8 would silently become U+FFFD and reach the
 * worker as other text than the file holds, so they are an error that says where.
 */
function utf8Text(bytes, shown) {
    try {
        // A BOM is how some editors save UTF-8; JSON.parse would call it a syntax error.
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    }
    catch {
        const offset = firstInvalidUtf8(bytes);
        const line = lineOf(bytes.subarray(0, offset).toString('latin1'));
        throw new errors/* InputError */.dz('input-file', `is not UTF-8 text: ${shown} has a byte that is not UTF-8 at line ${line} (byte ${offset + 1})`, 'a JSON file saved as UTF-8');
    }
}
/** The offset of the first byte that does not belong to a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes) {
    for (let i = 0; i < bytes.length;) {
        const lead = bytes[i];
        const length = lead < 0x80
            ? 1
            : lead >= 0xc2 && lead < 0xe0
                ? 2
                : lead >= 0xe0 && lead < 0xf0
                    ? 3
                    : lead >= 0xf0 && lead < 0xf5
                        ? 4
                        : 0;
        if (length === 0)
            return i;
        if (i + length > bytes.length)
            return i;
        const sequence = new TextDecoder('utf-8', { fatal: true });
        try {
            sequence.decode(bytes.subarray(i, i + length));
        }
        catch {
            return i;
        }
        i += length;
    }
    return bytes.length;
}
function parseObject(text, input, what) {
    if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
        throw new errors/* InputError */.dz(input, 'is larger than 1 MiB', "JSON of at most 1 MiB; use 'input-file' for a file in the repository");
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        const { line, column } = whereItBreaks(text);
        throw new errors/* InputError */.dz(input, `is not valid JSON: ${what} breaks at line ${line}, column ${column}`, 'a JSON object, e.g. {"parameters": {"custom": {"keywords": ["coffee"]}}}');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
        throw new errors/* InputError */.dz(input, `is JSON ${kind}, not an object`, 'a JSON object, e.g. {"parameters": {"custom": {"keywords": ["coffee"]}}}');
    }
    return parsed;
}
/**
 * Line and column (1-based) of a JSON syntax error. V8's message names no position for some errors
 * (a stray `]` after a comma: "Unexpected token ']'"), and says it differently from version to
 * version, so the text is scanned again here, by JSON's grammar, to the first character that
 * breaks it.
 */
function whereItBreaks(text) {
    const offset = Math.min(firstJsonError(text), text.length);
    const before = text.slice(0, offset);
    const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
    return { line: lineOf(before), column: offset - (lastBreak + 1) + 1 };
}
/** The line `before`'s end is on, counting CRLF, LF and a lone CR (as old Mac editors save) as one break each. */
function lineOf(before) {
    return before.split(/\r\n|\r|\n/).length;
}
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
/** The offset of the first character where `text` stops being one JSON value (text.length: it ended too early). */
function firstJsonError(text) {
    let i = 0;
    const space = () => {
        while (i < text.length && ' \t\n\r'.includes(text[i]))
            i++;
    };
    const token = (pattern) => {
        pattern.lastIndex = i;
        if (!pattern.test(text))
            throw i;
        i = pattern.lastIndex;
    };
    const expect = (char) => {
        space();
        if (text[i] !== char)
            throw i;
        i++;
    };
    // A stack of what is open, not recursion: deep nesting must not overflow the scan.
    const open = [];
    // A value must come next: after `[`, a key's `:` or a `,`.
    let pending = false;
    const value = () => {
        space();
        const char = text[i];
        if (char === '{' || char === '[') {
            i++;
            space();
            if (text[i] === (char === '{' ? '}' : ']'))
                return void i++;
            open.push(char);
            if (char === '{')
                key();
            pending = true;
            return;
        }
        if (char === '"')
            return token(STRING);
        if (char === '-' || (char >= '0' && char <= '9'))
            return token(NUMBER);
        const word = ['true', 'false', 'null'].find(literal => text.startsWith(literal, i));
        if (!word)
            throw i;
        i += word.length;
    };
    const key = () => {
        space();
        if (text[i] !== '"')
            throw i;
        token(STRING);
        expect(':');
    };
    try {
        value();
        while (open.length > 0) {
            if (pending) {
                pending = false;
                value();
                continue;
            }
            space();
            const closing = open.at(-1) === '{' ? '}' : ']';
            if (text[i] === ',') {
                i++;
                if (open.at(-1) === '{')
                    key();
                pending = true;
            }
            else if (text[i] === closing) {
                i++;
                open.pop();
            }
            else
                throw i;
        }
        space();
        return i < text.length ? i : text.length;
    }
    catch (offset) {
        return offset;
    }
}

;// CONCATENATED MODULE: ./src/run-log.ts

const LOG_CAPS = { lines: 3000, bytes: 1024 * 1024, readLines: 500, readBytes: 128 * 1024 };
/** The last read, after the run ended, waits this long at most. */
const LAST_READ_MS = 3000;
/** How far back an overlap is looked for: a tail longer than this is compared by its end only. */
const REMEMBERED = 2000;
/** One log line shows at most this many characters of an entry's line. */
const LINE_CHARS = 1024;
class RunLogFollower {
    client;
    runId;
    log;
    caps;
    signal;
    previous = [];
    shown = 0;
    shownBytes = 0;
    leftOut = 0;
    reading;
    stopped = new AbortController();
    constructor(client, runId, log, caps = LOG_CAPS, signal) {
        this.client = client;
        this.runId = runId;
        this.log = log;
        this.caps = caps;
        this.signal = signal;
    }
    /** Starts a read unless one is under way, and returns it; the caller need not wait for it. */
    poll(timeoutMs) {
        this.reading ??= this.read(timeoutMs).finally(() => (this.reading = undefined));
        return this.reading;
    }
    /** After the run ended: its last entries, read within LAST_READ_MS whatever the log endpoint does. */
    async last() {
        const until = Date.now() + LAST_READ_MS;
        if (this.reading) {
            // A read still under way from the wait: it shares the few seconds, then one more read.
            let timer;
            const late = new Promise(resolve => (timer = setTimeout(() => resolve('late'), LAST_READ_MS)));
            const outcome = await Promise.race([this.reading, late]);
            clearTimeout(timer);
            if (outcome === 'late')
                return;
        }
        const left = until - Date.now();
        if (left > 0)
            await this.poll(left);
    }
    get lines() {
        return { shown: this.shown, leftOut: this.leftOut };
    }
    /** Stops any read under way, and says how many lines were left out, if any. */
    finish() {
        this.stopped.abort();
        if (this.leftOut > 0) {
            this.log.info(`\u2026 ${this.leftOut} more log ${this.leftOut === 1 ? 'line was' : 'lines were'} left out (the step shows at most ${this.caps.lines} lines); the whole log is in the CoreClaw console.`);
        }
    }
    /** Reads the log once and prints what is new. A failed read is only a debug line: the log is a view. */
    async read(timeoutMs) {
        let entries;
        try {
            const signal = this.signal ? AbortSignal.any([this.stopped.signal, this.signal]) : this.stopped.signal;
            entries = await this.client.getLog(this.runId, { timeoutMs, signal });
        }
        catch (error) {
            this.log.debug(`could not read the log of run ${this.runId}: ${error.message}`);
            return;
        }
        if (this.stopped.signal.aborted)
            return;
        const lines = this.printable(this.fresh(entries));
        this.shown += lines.length;
        for (const line of lines)
            this.log.info(line);
    }
    /** The new entries as log lines, within the caps; what does not fit is counted. */
    printable(entries) {
        const lines = [];
        let bytes = 0;
        let full = false;
        for (const entry of entries) {
            // Once a cap is reached, everything after it is counted, not shown: what shows stays in order.
            if (full) {
                this.leftOut += lineCount(entry.content);
                continue;
            }
            // One entry may hold several lines; each becomes a line of its own, marked as the run's and
            // escaped. Secrets are replaced in the whole entry first: one split across two lines is no
            // longer the text the runner's mask looks for, in either line.
            const parts = (0,server_text/* redact */.E$)(entry.content).split(/\r?\n/);
            const time = clockTime(entry.timestampMs);
            for (let i = 0; i < parts.length; i++) {
                const line = `| ${time}${(0,server_text/* forLog */.Ig)(parts[i], LINE_CHARS)}`;
                const size = Buffer.byteLength(line) + 1;
                full =
                    lines.length >= this.caps.readLines ||
                        bytes + size > this.caps.readBytes ||
                        this.shown + lines.length >= this.caps.lines ||
                        this.shownBytes + bytes + size > this.caps.bytes;
                if (full) {
                    this.leftOut += parts.length - i;
                    break;
                }
                lines.push(line);
                bytes += size;
            }
        }
        this.shownBytes += bytes;
        return lines;
    }
    /** The entries after the longest run that ends the previous list and starts this one. */
    fresh(entries) {
        // An empty answer is a glitch or a log not started yet: keep what we know.
        if (entries.length === 0)
            return [];
        const keys = entries.map(key);
        const overlap = longestOverlap(this.previous, keys);
        this.previous = keys.slice(-REMEMBERED);
        return entries.slice(overlap);
    }
}
/** "07:08:09 " for a timestamp that is a real date; nothing otherwise. */
function clockTime(ms) {
    const date = ms === undefined ? undefined : new Date(ms);
    return date && Number.isFinite(date.getTime()) ? `${date.toISOString().slice(11, 19)} ` : '';
}
function key(entry) {
    return `${entry.timestampMs ?? ''}\u0000${entry.content}`;
}
/** The largest k such that the last k of `before` equal the first k of `now`. */
function longestOverlap(before, now) {
    for (let k = Math.min(before.length, now.length); k > 0; k--) {
        let same = true;
        for (let i = 0; i < k && same; i++)
            same = before[before.length - k + i] === now[i];
        if (same)
            return k;
    }
    return 0;
}
/** The lines `content.split(/\r?\n/)` would give, counted without making them. */
function lineCount(content) {
    let lines = 1;
    for (let feed = content.indexOf('\n'); feed >= 0; feed = content.indexOf('\n', feed + 1))
        lines++;
    return lines;
}

;// CONCATENATED MODULE: ./src/json-scan.ts
/**
 * The structure of JSON text that may be a piece of a longer stream: where a string ends, and where
 * each element of a top-level array begins and ends. One scanner serves the row counter (on every
 * chunk of the download), the comparison (which takes each element's text) and the preview (the
 * first 64 KiB). The characters it looks for are ASCII, which never occurs inside a UTF-8 sequence,
 * so it reads text decoded as latin1 (one character per byte) as exactly as UTF-8 text.
 */
/** The index of the unescaped quote at or after `from` (which starts a string's text), or -1. */
function closingQuote(s, from) {
    let i = from;
    for (;;) {
        const quote = s.indexOf('"', i);
        if (quote < 0)
            return -1;
        if (backslashesBefore(s, quote, from) % 2 === 0)
            return quote;
        i = quote + 1;
    }
}
/** The run of backslashes that ends just before `end`, not reaching back past `floor`. */
function backslashesBefore(s, end, floor) {
    let n = 0;
    for (let k = end - 1; k >= floor && s.charCodeAt(k) === 92; k--)
        n++;
    return n;
}
function trailingBackslashes(s, floor) {
    return backslashesBefore(s, s.length, floor);
}
const isSpace = (c) => c === 32 || c === 10 || c === 13 || c === 9;
/**
 * A top-level JSON array, read piece by piece. `scan` calls `onStart(i)` where an element begins
 * at s[i] and `onEnd(i)` where the element being read ends, just before s[i]. It checks the
 * structure only: JSON.parse judges each element.
 */
class JsonArrayScanner {
    started = false;
    ended = false;
    /** The text does not begin with an array. */
    invalid = false;
    /** Something other than white space follows the array. */
    trailing = false;
    depth = 0;
    inString = false;
    /** The previous piece ended with an odd run of backslashes inside a string. */
    escaping = false;
    inElement = false;
    scan(s, onStart, onEnd) {
        if (this.invalid)
            return;
        if (this.ended) {
            this.trailing ||= /\S/.test(s);
            return;
        }
        let i = 0;
        while (i < s.length) {
            if (this.inString) {
                // A backslash that ended the last piece escapes this piece's first character.
                const first = this.escaping ? i + 1 : i;
                const end = closingQuote(s, first);
                if (end < 0) {
                    this.escaping = trailingBackslashes(s, first) % 2 === 1;
                    return;
                }
                this.escaping = false;
                this.inString = false;
                i = end + 1;
                continue;
            }
            const c = s.charCodeAt(i);
            if (!this.started) {
                i++;
                // White space, and a UTF-8 byte order mark (EF BB BF read as latin1, or U+FEFF), before the array.
                if (isSpace(c) || c === 0xef || c === 0xbb || c === 0xbf || c === 0xfeff)
                    continue;
                if (c !== 91)
                    return void (this.invalid = true);
                this.started = true;
                this.depth = 1;
                continue;
            }
            if (this.depth === 1 && !this.inElement) {
                if (isSpace(c) || c === 44) {
                    i++;
                    continue;
                }
                if (c === 93)
                    return this.end(s, i);
                this.inElement = true;
                onStart?.(i);
            }
            if (c === 34)
                this.inString = true;
            else if (c === 91 || c === 123)
                this.depth++;
            else if (c === 93 || c === 125) {
                if (--this.depth === 0) {
                    this.inElement = false;
                    onEnd?.(i);
                    return this.end(s, i);
                }
            }
            else if (c === 44 && this.depth === 1) {
                this.inElement = false;
                onEnd?.(i);
            }
            i++;
        }
    }
    /** The array closed at s[at]. */
    end(s, at) {
        this.ended = true;
        this.trailing = /\S/.test(s.slice(at + 1));
    }
}
/** The elements of a top-level JSON array, as their text, from pieces of it. */
class JsonArraySplitter {
    maxElementLength;
    scanner = new JsonArrayScanner();
    /** Elements found so far. */
    elements = 0;
    /** An element was longer than `maxElementLength`: it was not kept. */
    tooLong = false;
    /** The current element's text, when it began in an earlier piece. */
    pieces = [];
    pieceLength = 0;
    open = false;
    constructor(maxElementLength = Infinity) {
        this.maxElementLength = maxElementLength;
    }
    /** The elements that end in `s`. */
    push(s) {
        const done = [];
        let start = 0;
        this.scanner.scan(s, at => {
            start = at;
            this.open = true;
        }, at => {
            const element = (this.pieces.join('') + s.slice(start, at)).trimEnd();
            if (element.length > this.maxElementLength)
                this.tooLong = true;
            else
                done.push(element);
            this.pieces = [];
            this.pieceLength = 0;
            this.open = false;
            this.elements++;
        });
        if (this.open) {
            const piece = s.slice(start);
            this.pieceLength += piece.length;
            if (this.pieceLength > this.maxElementLength)
                this.tooLong = true;
            else
                this.pieces.push(piece);
        }
        return done;
    }
}

;// CONCATENATED MODULE: ./src/csv-records.ts
/**
 * The first records of a CSV text, for the preview: what csv-parse reads with `bom`,
 * `relax_column_count` and `skip_empty_lines`, record for record, up to the first record it would
 * refuse. A test holds it to csv-parse on every text of a generated corpus.
 *
 * Why not csv-parse itself: loading and first running it cost a CSV step 4\u20137 ms of a 50 ms start-up
 * (a 70 KB chunk, and a parser made for every option), to read seven records. Whole files, where
 * CSV's corners matter, are still csv-parse's (export-rows.ts).
 */
const QUOTE = '"';
/**
 * Up to `limit` records, each a list of fields. A BOM is dropped, and empty lines are not records.
 * Line breaks are the first one found outside quotes, `\r\n`, `\n` or `\r`, and only that one from
 * then on (csv-parse's auto-detection), so a lone `\r` in a `\n` file is part of a field. The records
 * stop before one that is not CSV (a quote inside an unquoted field, text after a closing quote) or
 * that the text cuts inside quotes.
 */
function csvRecords(text, limit) {
    const records = [];
    let lineBreak;
    let i = text.startsWith('\uFEFF') ? 1 : 0;
    while (records.length < limit && i < text.length) {
        const emptyLine = lineBreak ? (text.startsWith(lineBreak, i) ? lineBreak : undefined) : lineBreakAt(text, i);
        if (emptyLine) {
            lineBreak = emptyLine;
            i += emptyLine.length;
            continue;
        }
        const record = [];
        for (;;) {
            const field = readField(text, i, lineBreak);
            if (!field)
                return records;
            record.push(field.value);
            i = field.end;
            if (text[i] !== ',')
                break;
            i++;
        }
        if (i < text.length) {
            lineBreak ??= lineBreakAt(text, i);
            // Text after a closing quote.
            if (!lineBreak || !text.startsWith(lineBreak, i))
                return records;
            i += lineBreak.length;
        }
        records.push(record);
    }
    return records;
}
/** The field starting at `start`, or undefined where it is not CSV or the text ends inside its quotes. */
function readField(text, start, lineBreak) {
    if (text[start] === QUOTE)
        return readQuoted(text, start);
    const end = fieldEnd(text, start, lineBreak);
    const value = text.slice(start, end);
    return value.includes(QUOTE) ? undefined : { value, end };
}
function readQuoted(text, start) {
    let value = '';
    let from = start + 1;
    for (;;) {
        const quote = text.indexOf(QUOTE, from);
        if (quote < 0)
            return undefined;
        value += text.slice(from, quote);
        if (text[quote + 1] !== QUOTE)
            return { value, end: quote + 1 };
        value += QUOTE;
        from = quote + 2;
    }
}
/** Where an unquoted field starting at `start` ends: a comma, a line break, or the end of the text. */
function fieldEnd(text, start, lineBreak) {
    for (let i = start; i < text.length; i++) {
        const char = text[i];
        if (char === ',')
            return i;
        if (lineBreak ? text.startsWith(lineBreak, i) : char === '\n' || char === '\r')
            return i;
    }
    return text.length;
}
/** The line break at `i`, if there is one there. */
function lineBreakAt(text, i) {
    if (text.startsWith('\r\n', i))
        return '\r\n';
    return text[i] === '\n' || text[i] === '\r' ? text[i] : undefined;
}

;// CONCATENATED MODULE: ./src/preview.ts
/**
 * The preview of an export's first rows for the job summary, parsed from the first 64 KiB of the
 * file only (rows.ts keeps them). Whatever those bytes hold, a preview is a decoration: the caller
 * shows none when it can't be made.
 */



const PREVIEW_ROWS = 5;
const PREVIEW_COLUMNS = 8;
const PREVIEW_CELL = 60;
/** A CSV's header and first rows. `truncated`: the text is not the whole file, and its last record may be cut. */
function csvPreview(text, truncated) {
    const records = csvRecords(text, PREVIEW_ROWS + 2);
    // A record cut by the end of the prefix is not shown.
    if (truncated && records.length <= PREVIEW_ROWS + 1)
        records.pop();
    const [header, ...rows] = records;
    return header ? table(header, rows.slice(0, PREVIEW_ROWS)) : undefined;
}
/** The first values of a JSON Lines text, as a table of their keys. */
function jsonLinesPreview(text) {
    const values = [];
    for (const line of text.split('\n')) {
        if (values.length === PREVIEW_ROWS)
            break;
        if (!line.trim())
            continue;
        try {
            values.push(JSON.parse(line));
        }
        catch {
            break; // the line the prefix cut
        }
    }
    return objectsTable(values);
}
/** The first elements of a JSON array's text, as a table of their keys. */
function jsonArrayPreview(text) {
    return objectsTable(firstElements(text, PREVIEW_ROWS));
}
/** The first `limit` complete top-level elements of a JSON array's text, parsed. */
function firstElements(text, limit) {
    const values = [];
    for (const element of new JsonArraySplitter().push(text).slice(0, limit)) {
        try {
            values.push(JSON.parse(element));
        }
        catch {
            break;
        }
    }
    return values;
}
/** Rows of objects (or other values) as a table: the keys of the first rows, in order. */
function objectsTable(values) {
    if (values.length === 0)
        return undefined;
    const objects = values.map(value => (value && typeof value === 'object' && !Array.isArray(value) ? value : { value }));
    const keys = [...new Set(objects.flatMap(object => Object.keys(object)))];
    const rows = objects.map(object => keys.map(key => cellText(object[key])));
    return table(keys, rows);
}
function table(columns, rows) {
    const shown = columns.slice(0, PREVIEW_COLUMNS);
    return {
        columns: shown.map(cut),
        rows: rows.map(row => shown.map((_, index) => cut(row[index] ?? ''))),
        moreColumns: columns.length - shown.length
    };
}
function cellText(value) {
    if (value === undefined || value === null)
        return '';
    if (typeof value === 'string')
        return value;
    try {
        return JSON.stringify(value);
    }
    catch {
        // Nested deeper than the stack allows ([[[[\u2026]]]] from a scraped page): a placeholder, not a failure.
        return '(nested too deeply to show)';
    }
}
/** Secrets are replaced before the cut (forCell replaces them again, but would see only a part). */
function cut(raw) {
    const text = (0,server_text/* redact */.E$)(raw);
    return text.length > PREVIEW_CELL ? `${text.slice(0, PREVIEW_CELL - 1)}\u2026` : text;
}

;// CONCATENATED MODULE: ./src/rows.ts


const PREFIX_BYTES = 64 * 1024;
/** A counter for the formats whose rows can be counted, else undefined. */
function rowCounterFor(format) {
    if (format === 'csv' || format === 'jsonl')
        return new LineRecords(format);
    if (format === 'json')
        return new JsonArrayRows();
    return undefined;
}
/** Keeps the first bytes of the file for the preview; subclasses count. */
class Counter {
    prefix = [];
    prefixBytes = 0;
    seenBytes = 0;
    update(bytes) {
        if (this.prefixBytes < PREFIX_BYTES) {
            const piece = Buffer.from(bytes.subarray(0, PREFIX_BYTES - this.prefixBytes));
            this.prefix.push(piece);
            this.prefixBytes += piece.length;
        }
        this.seenBytes += bytes.length;
        this.scan(bytes.toString('latin1'));
    }
    finish() {
        const text = Buffer.concat(this.prefix)
            .toString('utf8')
            .replace(/^\uFEFF/, '');
        return { rows: this.count(), preview: this.previewOrNone(text) };
    }
    /** The preview is a decoration: whatever the data, it never fails an export. */
    previewOrNone(text) {
        try {
            return this.preview(text);
        }
        catch {
            return undefined;
        }
    }
    /** The prefix is not the whole file: its last row may be cut. */
    get truncated() {
        return this.seenBytes > this.prefixBytes;
    }
}
/**
 * Records that end at a line feed; blank lines are not records. CSV (RFC 4180): a line feed inside
 * quotes is part of a field, and the first record is the header. JSON Lines: one value per line;
 * a line feed can't occur inside a JSON string, so quotes need no tracking.
 */
class LineRecords extends Counter {
    format;
    records = 0;
    quoted = false;
    /** The current record has something in it. */
    content = false;
    constructor(format) {
        super();
        this.format = format;
    }
    scan(s) {
        let i = 0;
        let quote = this.format === 'csv' ? s.indexOf('"') : -1;
        for (;;) {
            if (this.quoted) {
                if (quote < 0)
                    return;
                this.quoted = false;
                i = quote + 1;
                quote = s.indexOf('"', i);
                continue;
            }
            const feed = s.indexOf('\n', i);
            if (quote >= 0 && (feed < 0 || quote < feed)) {
                this.quoted = true;
                this.content = true;
                i = quote + 1;
                quote = s.indexOf('"', i);
                continue;
            }
            if (hasContent(s, i, feed < 0 ? s.length : feed))
                this.content = true;
            if (feed < 0)
                return;
            if (this.content)
                this.records++;
            this.content = false;
            i = feed + 1;
        }
    }
    count() {
        const records = this.records + (this.content ? 1 : 0);
        return this.format === 'csv' ? Math.max(0, records - 1) : records;
    }
    preview(prefix) {
        return this.format === 'csv' ? csvPreview(prefix, this.truncated) : jsonLinesPreview(prefix);
    }
}
/** The elements of a top-level JSON array; any other JSON can't be counted. */
class JsonArrayRows extends Counter {
    array = new JsonArrayScanner();
    elements = 0;
    counted = () => void this.elements++;
    scan(s) {
        this.array.scan(s, this.counted);
    }
    count() {
        return this.array.ended && !this.array.invalid ? this.elements : undefined;
    }
    preview(prefix) {
        return this.array.invalid ? undefined : jsonArrayPreview(prefix);
    }
}
/** Whether s[from, end) holds anything but a lone CR: a line that is more than its line break. */
function hasContent(s, from, end) {
    return end - from > 1 || (end - from === 1 && s.charCodeAt(from) !== 13);
}

// EXTERNAL MODULE: ./src/retry.ts
var src_retry = __nccwpck_require__(809);
// EXTERNAL MODULE: ./src/run-errors.ts
var run_errors = __nccwpck_require__(172);
// EXTERNAL MODULE: ./src/outcome.ts
var outcome = __nccwpck_require__(671);
// EXTERNAL MODULE: ./src/coreclaw-errors.ts
var coreclaw_errors = __nccwpck_require__(351);
;// CONCATENATED MODULE: ./src/worker-schema.ts
/**
 * Checks the worker's input against the worker's own JSON Schema before a billed run starts.
 *
 * Which part of the input the schema describes is not documented. CoreClaw's docs put form fields
 * "under input.parameters.custom", their schema example describes form fields (`keyword`), and
 * CoreClaw's MCP server sends its schema-shaped `input_json` as `input.parameters.custom`. So a
 * schema that has no `parameters` property describes `input.parameters.custom`; one that has it
 * describes the whole `input`.
 *
 * The schema is server data, so the check is bounded: a schema over MAX_SCHEMA_BYTES is not
 * checked, nor is one nested deeper than MAX_SCHEMA_DEPTH, and ajv runs in a worker thread (schema-worker.ts, a bundle of its own, so an export
 * that starts nothing never loads it) that is terminated at CHECK_DEADLINE_MS or when the step is
 * cancelled. A schema that can't be read, used or checked in time is a notice, and the run starts
 * unchecked: the check saves money, it is not a gate CoreClaw asked for. A dry run is that gate,
 * though: there an input that could not be checked fails the step (start.ts). A worker CoreClaw says
 * does not exist (50001, or a 404 envelope) ends the step here, before any start.
 */





/** A form's schema is a few KiB; one this large is not worth the wait it could cost. */
const MAX_SCHEMA_BYTES = 256 * 1024;
/**
 * A form's schema nests a few levels; one nested deeper is hostile. Measured without recursion
 * before anything recursive (JSON.stringify, the copy into the thread, ajv) touches it: 3,500
 * nested arrays, 7 KB, overflow the stack of the step's own thread.
 */
const MAX_SCHEMA_DEPTH = 64;
/** ajv compiles and checks a form's schema in milliseconds; a schema that takes this long is hostile. */
const CHECK_DEADLINE_MS = 5000;
/**
 * Checks the input against the worker's schema. Throws on violations or an unknown worker; returns
 * why the input could not be checked otherwise, for the caller to decide: a start goes on
 * unchecked with a notice (`uncheckedNotice`), a dry run fails.
 */
async function checkInputSchema(client, { workerId, input, source, log, signal }) {
    const skip = (why, requestId) => ({
        checked: false,
        why: (0,server_text/* forLog */.Ig)(why, 512),
        requestId
    });
    log.info(`Checking the input against worker ${workerId}'s input schema.`);
    let schema;
    try {
        schema = (await client.getInputSchema(workerId)).data;
    }
    catch (error) {
        if (isUnknownWorker(error))
            throw error;
        if (error instanceof errors/* CancelledError */.cc)
            throw error;
        return skip(`reading it failed (${error.message})`, error.requestId);
    }
    if (!schema)
        return skip('CoreClaw sent no schema object');
    if (nestedDeeperThan(schema, MAX_SCHEMA_DEPTH))
        return skip(`it is nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
    const schemaText = JSON.stringify(schema);
    const size = Buffer.byteLength(schemaText);
    if (size > MAX_SCHEMA_BYTES)
        return skip(`it is ${size} bytes, more than the ${MAX_SCHEMA_BYTES} checked`);
    const whole = isObject(schema.properties) && 'parameters' in schema.properties;
    const verdict = await inWorkerThread({ schemaText, value: whole ? input : custom(input) }, signal);
    if (verdict.kind === 'unusable')
        return skip(verdict.why);
    if (verdict.violations.length === 0) {
        log.info(`The input matches worker ${workerId}'s input schema${whole ? '' : ' (input.parameters.custom)'}.`);
        return { checked: true };
    }
    const prefix = whole ? '' : '/parameters/custom';
    throw new run_errors/* InputSchemaError */.yj('text' in source ? 'input' : 'input-file', workerId, verdict.violations.map((v) => ({ ...v, path: `${prefix}${v.path}` })));
}
/** A start goes on without the check: the notice that says so. */
function uncheckedNotice(workerId, why, log) {
    log.notice(`The input was not checked against worker ${workerId}'s input schema: ${why}. The run starts unchecked.`, 'Input not checked');
}
/** Whether objects and arrays nest deeper than `limit`, found with a stack of our own, not recursion. */
function nestedDeeperThan(value, limit) {
    const pending = [[value, 1]];
    while (pending.length > 0) {
        const [item, depth] = pending.pop();
        if (item === null || typeof item !== 'object')
            continue;
        if (depth > limit)
            return true;
        for (const child of Object.values(item))
            pending.push([child, depth + 1]);
    }
    return false;
}
/** CoreClaw's own word that the worker does not exist: starting it would fail the same way. */
function isUnknownWorker(error) {
    return error instanceof coreclaw_errors/* CoreClawError */.B && (error.appCode === 50001 || (error.status === 404 && !error.notEnvelope));
}
async function inWorkerThread(job, signal) {
    // The schema travels as text: a structured clone of an object is recursive too. A deep schema
    // overflows the thread's stack, or fills its heap, and not the step's.
    const outcome = await inThread('schema-worker', job, {
        resourceLimits: { maxOldGenerationSizeMb: 128, stackSizeMb: 4 },
        deadlineMs: CHECK_DEADLINE_MS,
        signal
    });
    return outcome.kind === 'answer' ? outcome.answer : { kind: 'unusable', why: `checking ${outcome.why}` };
}
/** `input.parameters.custom`, or an empty object where the input has none (its required fields are then reported). */
function custom(input) {
    const parameters = input.parameters;
    return isObject(parameters) && 'custom' in parameters ? parameters.custom : {};
}
function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

;// CONCATENATED MODULE: ./src/start.ts





/** The abort must be out well before the runner's SIGTERM (7.5 s after SIGINT); see cancellation.ts. */
const ABORT_TIMEOUT_MS = 3000;
async function startRun(client, spec, workerInput, { log, clock, waitUntilMs, signal }) {
    const { workerId, taskId = '', workerVersion, input } = spec;
    // parseInputs lets `new` through only with exactly one of a worker and a task.
    const target = workerId ? { workerId } : { taskId };
    if (workerId && workerInput && input) {
        const outcome = await checkInputSchema(client, { workerId, input: workerInput, source: input, log, signal });
        if (!outcome.checked)
            uncheckedNotice(workerId, outcome.why, log);
    }
    const start = workerId
        ? {
            kind: 'worker',
            workerId,
            body: {
                is_async: true,
                ...(workerInput && { input: workerInput }),
                ...(workerVersion && { version: workerVersion })
            }
        }
        : { kind: 'task', taskId, body: { is_async: true } };
    log.info(`Starting a run of ${(0,outcome/* describeTarget */.f)(target)}${workerVersion ? ` (version ${workerVersion})` : ''}.`);
    const sentAt = new Date(clock.now());
    try {
        const { data: runId, requestId } = await client.startRun(start, (0,src_retry/* startRule */.$v)(waitUntilMs));
        log.info(`Started run ${runId} of ${(0,outcome/* describeTarget */.f)(target)}.`);
        return { runId, target, requestId };
    }
    catch (thrown) {
        const error = (0,errors/* asActionError */.z6)(thrown);
        // A cancellation can cut the request after it was sent: like a lost answer, it proves nothing.
        if ((0,src_retry/* provablyNotStarted */.Ww)(error))
            throw error;
        throw new run_errors/* StartUncertainError */.w1(target, sentAt, error);
    }
}
/**
 * `dry-run: true`: everything a start would check, and no start. The worker must exist (its schema
 * endpoint says so) and the input must match its schema, checked: an input that could not be
 * checked fails the dry run, which is a gate; a task must exist. Whether a version
 * exists can't be asked: CoreClaw's API lists no versions of a worker, so that is said, not checked.
 */
async function dryRun(client, spec, workerInput, { log, signal }) {
    const { workerId, taskId = '', workerVersion, input } = spec;
    const target = workerId ? { workerId } : { taskId };
    // An input is checked, or the dry run fails: so whether it was checked is whether one was given.
    const inputChecked = Boolean(workerId && workerInput && input);
    if (workerId && workerInput && input) {
        const outcome = await checkInputSchema(client, { workerId, input: workerInput, source: input, log, signal });
        if (!outcome.checked)
            throw new run_errors/* InputNotCheckedError */.zx(workerId, outcome.why, outcome.requestId);
    }
    else if (workerId) {
        await client.getInputSchema(workerId);
        log.info(`Worker ${workerId} exists.`);
    }
    else {
        await client.getTask(taskId);
        log.info(`Task ${taskId} exists.`);
    }
    if (workerVersion) {
        log.notice(`Version ${workerVersion} was not checked: CoreClaw's API has no call that lists a worker's versions. A start of a version that is not available fails with app code 50003.`, 'Version not checked');
    }
    const what = `${(0,outcome/* describeTarget */.f)(target)}${workerVersion ? ` (version ${workerVersion})` : ''}`;
    const withInput = input
        ? ` with the input from ${'text' in input ? log.say.input('input') : log.say.set('input-file', input.file)}`
        : '';
    log.info(`Dry run: a run of ${what}${withInput} would start. Nothing was started.`);
    return { kind: 'dry-run', target, version: workerVersion, inputChecked };
}
/**
 * The step is failing with `error` after starting run `runId`. Unless the run itself ended (a final
 * state), the step is stopping before its run finished (cancelled, `wait-timeout`, a failure while
 * waiting or before it): ask CoreClaw to abort it, unless the user said not to. Never called for a
 * run the step did not start. Returns the error to report: the step's own, saying what became of
 * the run. A failed abort is a warning too: the step's own error is the one to report.
 */
async function stopUnfinishedRun(client, runId, error, abortOnStop, log) {
    const cause = (0,errors/* asActionError */.z6)(error);
    if (cause instanceof run_errors/* RunStateError */.D4 && cause.problem === 'not-exportable')
        return cause;
    if (!abortOnStop) {
        log.info(`Run ${runId} keeps running: ${log.say.set('abort-on-stop', 'false')}.`);
        return new run_errors/* StoppedRunError */.PQ(cause, runId, 'left-running');
    }
    try {
        await client.abortRun(runId, ABORT_TIMEOUT_MS);
        log.info(`Asked CoreClaw to abort run ${runId}, which this step started; it shows 'aborting' until it stops.`);
        return new run_errors/* StoppedRunError */.PQ(cause, runId, 'aborted');
    }
    catch (failure) {
        log.warning(`Could not abort run ${runId}, which this step started: ${failure.message}. Abort it in the CoreClaw console, or it runs (and bills) to its end.`, 'Run not aborted');
        return new run_errors/* StoppedRunError */.PQ(cause, runId, 'abort-failed');
    }
}

// EXTERNAL MODULE: ./src/version.ts + 1 modules
var version = __nccwpck_require__(13);
;// CONCATENATED MODULE: ./src/wait.ts


/** CoreClaw's docs: poll from about 2 s, backing off to 5, 10 and 15 s. */
const POLL_DELAYS_MS = [2000, 5000, 10_000, 15_000];
/** A progress line at most this often, so long waits don't flood the log. */
const PROGRESS_EVERY_MS = 15_000;
async function waitForRun(client, runId, options) {
    const { clock, log, waitTimeoutSeconds, follower } = options;
    const started = options.since ?? clock.now();
    const deadline = started + waitTimeoutSeconds * 1000;
    let lastProgress = -Infinity;
    let following = false;
    for (let poll = 0;; poll++) {
        const { data: run, requestId } = await client.getRun(runId);
        const status = run.status;
        const inProgress = status === 'ready' || status === 'running';
        following ||= follower !== undefined && (options.startedHere === true || inProgress);
        if (!inProgress) {
            // Read after the status, so that a finished run's last entries are shown too, within a few seconds.
            if (following)
                await follower?.last();
            if (status === 'succeeded')
                return { run, requestId, waitedMs: clock.now() - started, waited: poll > 0 };
            throw new run_errors/* RunStateError */.D4({ runId, status, problem: 'not-exportable', errMsg: run.errMsg, requestId });
        }
        const now = clock.now();
        if (now >= deadline) {
            const waitedSeconds = Math.round((now - started) / 1000);
            throw new run_errors/* RunStateError */.D4({ runId, status, problem: 'still-running', waitedSeconds, requestId });
        }
        // Never waited for while the run goes on: a slow log must not hold up the status polls.
        if (following)
            void follower?.poll();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            log.info(`Run ${runId} is ${status}, ${run.results === undefined ? 'row count unknown' : (0,progress/* count */.U9)(run.results, 'row')} so far; waited ${Math.round((now - started) / 1000)} s of ${waitTimeoutSeconds} s.`);
        }
        const delay = POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)];
        await clock.sleep(Math.min(delay, deadline - now), options.signal);
    }
}

// EXTERNAL MODULE: ./src/which-run.ts
var which_run = __nccwpck_require__(950);
;// CONCATENATED MODULE: ./src/export-run.ts
/**
 * The story shared by the action and the CLI: validated inputs \u2192 (start) \u2192 wait \u2192 export \u2192
 * download, and what became of it (an `Outcome`). It knows nothing of the Actions runner: no
 * `@actions/core` here. main.ts is the action's wrapper around it, cli.ts the terminal's.
 */


















/** Everything between validated inputs and a verified file on disk (or a started run, or a dry run). */
async function exportRun(inputs, host) {
    const { log, clock, signal } = host;
    const stepStartedMs = clock.now();
    const retry = new src_retry/* RetryPolicy */.fU({
        maxAttempts: inputs.maxAttempts,
        clock,
        signal,
        onRetry: retryReporter(log, clock)
    });
    const client = new coreclaw/* CoreClawClient */.k({
        baseUrl: inputs.baseUrl,
        apiKey: inputs.apiKey,
        authMethod: inputs.authMethod,
        timeoutMs: inputs.timeoutSeconds * 1000,
        userAgent: version/* USER_AGENT */._,
        retry,
        signal
    });
    const { workerInput, destinationOf, compareWith } = checkBeforeAnyRequest(inputs, host);
    if (inputs.runId === src_inputs/* NEW */.dy && inputs.dryRun)
        return dryRun(client, startSpecOf(inputs), workerInput, { log, signal });
    const waitUntilMs = stepStartedMs + inputs.waitTimeoutSeconds * 1000;
    const startedRun = inputs.runId === src_inputs/* NEW */.dy
        ? await startRun(client, startSpecOf(inputs), workerInput, { log, clock, waitUntilMs, signal })
        : undefined;
    const runId = startedRun?.runId ??
        ((0,src_inputs/* isGivenSlug */.nD)(inputs.runId) ? inputs.runId : await (0,which_run/* resolveRun */.Uf)(client, inputs.runId, inputs.workerId, log));
    host.onRun?.({ runId, startedBy: startedRun?.target });
    if (startedRun && inputs.waitTimeoutSeconds === 0)
        return leaveRunning(startedRun, log);
    const destination = destinationOf(runId);
    let watched;
    try {
        (0,src_destination/* refuseExisting */.Uj)(destination, inputs.overwrite);
        const { showLog, waitTimeoutSeconds } = inputs;
        watched = await watchRun(client, runId, { showLog, waitTimeoutSeconds }, host, stepStartedMs, startedRun !== undefined);
    }
    catch (error) {
        // The step fails before the run it started has finished: the run is stopped, and the error says so.
        throw startedRun ? await stopUnfinishedRun(client, runId, error, inputs.abortOnStop, log) : error;
    }
    const { ready, logLines } = watched;
    const results = ready.run.results;
    log.info(`Run ${runId} succeeded with ${results === undefined ? 'an unknown number of rows' : (0,progress/* count */.U9)(results, 'row')}.`);
    // Nothing to download: with `if-empty: error` the step fails here, the destination untouched.
    (0,file_checks/* refuseEmpty */.Ot)(inputs.ifEmpty, runId, { results });
    const exportStartedMs = clock.now();
    const { link, file, rows, freshLink, comparison } = await log.group(`Export ${inputs.format} to ${destination}`, () => exportAndDownload({
        client,
        retry,
        runId,
        results,
        destination,
        request: exportRequestOf(inputs),
        compare: compareWith,
        host
    }));
    if (file.decoded)
        log.info(`The storage host sent the file ${file.decoded}-compressed; it was decoded.`);
    for (const warning of file.warnings)
        log.warning(warning);
    log.info(`Saved ${(0,progress/* count */.U9)(file.size, 'byte')} to ${file.path} (sha256 ${file.sha256}).`);
    (0,file_checks/* reportEmpty */.A1)(inputs.ifEmpty, runId, destination, { results, rows: rows.rows, size: file.size }, log);
    (0,file_checks/* compareRows */.fz)(rows.rows, results, runId, log);
    if (comparison)
        reportComparison(comparison, log);
    const finished = clock.now();
    const timings = {
        waitMs: exportStartedMs - stepStartedMs,
        exportMs: finished - exportStartedMs,
        totalMs: finished - stepStartedMs
    };
    log.debug(`request ids: start ${startedRun?.requestId ?? '-'}, run ${ready.requestId ?? '-'}, export ${link.requestId ?? '-'}; timings (ms): ${JSON.stringify(timings)}; requests: ${JSON.stringify(Object.fromEntries(retry.attempts))}`);
    return {
        kind: 'exported',
        runId,
        format: inputs.format,
        filterKeys: inputs.filterKeys,
        path: file.path,
        url: link.downloadUrl,
        size: file.size,
        sha256: file.sha256,
        verified: file.verified,
        resultCount: results,
        rows: rows.rows,
        preview: rows.preview,
        comparison,
        requestId: link.requestId,
        run: {
            startedBy: startedRun?.target,
            durationSeconds: ready.run.durationSeconds,
            usage: ready.run.usage,
            waited: ready.waited,
            // The log and the wait are news only when this step started the run or waited for it.
            logLines: startedRun || ready.waited ? logLines : undefined
        },
        details: {
            requestIds: { start: startedRun?.requestId, run: ready.requestId, export: link.requestId },
            retries: Object.fromEntries(retry.retries),
            timings,
            freshLink
        }
    };
}
/**
 * Everything a bad input can break, read and checked before the first request: the worker's input,
 * the destination's folder, and an existing file that `overwrite: false` keeps. And the warnings
 * about settings that will not do what they seem to.
 */
function checkBeforeAnyRequest(inputs, { log, workspace, readableRoots }) {
    for (const warning of (0,environment/* proxySpellingWarnings */.sL)(process.env, process.platform)) {
        log.warning(warning, 'Proxy settings disagree');
    }
    if (inputs.workerId && (0,src_inputs/* isGivenSlug */.nD)(inputs.runId)) {
        const { say } = log;
        log.warning(`${say.input('worker-id')} is only used with ${say.set('run-id', 'last')}, ${say.set('run-id', 'last-succeeded')} or ${say.set('run-id', 'new')}; ignoring it.`);
    }
    const workerInput = inputs.input ? readWorkerInput(inputs.input, workspace, readableRoots) : undefined;
    const plan = (0,src_destination/* planDestination */.QC)({ path: inputs.path, workspace });
    const destinationOf = (runId) => (0,src_destination/* fileFor */.Yy)(plan, runId, inputs.format);
    // A dry run, or a start only, writes no file: nothing about the destination can stop it.
    if (inputs.runId === src_inputs/* NEW */.dy && (inputs.dryRun || inputs.waitTimeoutSeconds === 0)) {
        return { workerInput, destinationOf, compareWith: undefined };
    }
    const compareWith = compareSpecOf(inputs.compareWith, inputs.keyFields, { workspace, readableRoots });
    if (inputs.keyFields.length > 0 && !compareWith) {
        log.warning(`${log.say.input('key-fields')} is only used to compare exports, and ${log.say.set('compare-with', 'none')}; ignoring it.`);
    }
    // A file the user named is refused before a billed run starts, not after it finished.
    if (inputs.runId === src_inputs/* NEW */.dy && plan.file)
        (0,src_destination/* refuseExisting */.Uj)(plan.file, inputs.overwrite);
    (0,file_checks/* warnOfExtension */.D1)(destinationOf(inputs.runId), inputs.format, log);
    (0,src_destination/* checkFolder */.p$)(plan.folder);
    return { workerInput, destinationOf, compareWith };
}
/**
 * Waits for the run, showing its log. Status lines stay outside any group, so a long wait shows its
 * progress; the run's log comes in groups.
 */
async function watchRun(client, runId, { showLog, waitTimeoutSeconds }, { log, clock, signal }, since, startedHere) {
    const follower = showLog ? new RunLogFollower(client, runId, log, undefined, signal) : undefined;
    try {
        const ready = await waitForRun(client, runId, {
            waitTimeoutSeconds,
            since,
            clock,
            log,
            signal,
            follower,
            startedHere
        });
        return { ready, logLines: follower?.lines };
    }
    finally {
        follower?.finish();
    }
}
/** What a start needs of the inputs: which worker or task, the version, and the input as given. */
function startSpecOf({ workerId, taskId, workerVersion, input }) {
    return { workerId, taskId, workerVersion, input };
}
function exportRequestOf({ format, filterKeys, timeoutSeconds, overwrite, ifEmpty }) {
    return { format, filterKeys, timeoutSeconds, overwrite, ifEmpty };
}
/** `wait-timeout: 0` with `run-id: new`: the run is started and left to run; a later workflow exports it. */
function leaveRunning(begun, log) {
    const { say } = log;
    const worker = 'workerId' in begun.target ? ` and ${say.set('worker-id', begun.target.workerId)}` : '';
    log.info(`Run ${begun.runId} was started and is left running: with ${say.set('wait-timeout', '0')}, ${say.set('run-id', 'new')} only starts a run. Export it once it has finished, e.g. later with ${say.set('run-id', 'last-succeeded')}${worker}.`);
    return { kind: 'started', runId: begun.runId, startedBy: begun.target, requestId: begun.requestId };
}
/** Asks for a signed link and downloads it; a link the storage host refuses is replaced once. */
async function exportAndDownload(step) {
    const { client, runId, request, host } = step;
    const first = await client.requestExport(runId, request.format, request.filterKeys);
    try {
        return { link: first, ...(await export_run_download(first, step)), freshLink: false };
    }
    catch (error) {
        // A refused signed link is dead: one fresh export, never a retry of the dead link.
        if (!(error instanceof download_errors/* DownloadError */.nV && error.problem === 'expired'))
            throw error;
        host.log.info(`The storage host refused the link (HTTP ${error.status}); asking CoreClaw for a fresh one.`);
        const fresh = await client.requestExport(runId, request.format, request.filterKeys);
        return { link: fresh, ...(await export_run_download(fresh, step)), freshLink: true };
    }
}
function export_run_download(link, { retry, runId, results, destination, request, compare, host }) {
    host.log.info(`Downloading ${(0,http/* loggable */.oM)(link.downloadUrl)}`);
    return retry.run('download', async () => {
        // Counted while it streams; each attempt starts from the first byte again.
        const counter = rowCounterFor(request.format);
        let rows = {};
        let comparison;
        const file = await (0,download/* downloadFile */.PE)(link.downloadUrl, destination, {
            timeoutMs: request.timeoutSeconds * 1000,
            userAgent: version/* USER_AGENT */._,
            overwrite: request.overwrite,
            onProgress: (0,progress/* progressReporter */.xZ)(host.log.info, host.progressEveryMs, host.clock),
            watchers: counter ? [counter] : [],
            signal: host.signal,
            // Judged before the file replaces the destination, so that a refusal leaves it as it was.
            beforeCommit: async ({ temporary, size, sha256 }) => {
                rows = counter?.finish() ?? {};
                (0,file_checks/* refuseEmpty */.Ot)(request.ifEmpty, runId, { results, rows: rows.rows, size });
                // Here, while the destination still holds the file this one replaces.
                if (compare) {
                    comparison = await compareWithEarlier(compare, { destination, temporary, sha256, format: request.format }, host);
                }
            }
        });
        return { file, rows, comparison };
    });
}
/** Every retry is a line; a long wait for a free slot is a line a minute, not one per try. */
const WAIT_REPORT_EVERY_MS = 60_000;
function retryReporter(log, clock) {
    let lastWaitReport = -Infinity;
    return notice => {
        if (notice.waiting) {
            if (clock.now() - lastWaitReport < WAIT_REPORT_EVERY_MS)
                return;
            lastWaitReport = clock.now();
        }
        log.info(describeRetry(notice, log.say));
    };
}
function describeRetry({ attempt, maxAttempts, delayMs, error, waiting }, say) {
    const delay = `${(delayMs / 1000).toFixed(1)} s`;
    if (waiting) {
        return `${error.message}. Waiting for a free slot: trying again in ${delay} (until ${say.input('wait-timeout')} runs out).`;
    }
    return `${error.message} (attempt ${attempt} of ${maxAttempts}); retrying in ${delay}.`;
}


/***/ }),

/***/ 387:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   A1: () => (/* binding */ reportEmpty),
/* harmony export */   D1: () => (/* binding */ warnOfExtension),
/* harmony export */   Ot: () => (/* binding */ refuseEmpty),
/* harmony export */   cb: () => (/* binding */ IF_EMPTY),
/* harmony export */   fz: () => (/* binding */ compareRows)
/* harmony export */ });
/* unused harmony export emptiness */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(986);
/* harmony import */ var _download_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(95);
/* harmony import */ var _progress_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(660);
/**
 * What the action says about the file, beyond "saved": that it is empty, that its name contradicts
 * its format, that its row count differs from CoreClaw's. Wrong or empty data never passes
 * without a word, and only `if-empty: error` turns any of it into a failure.
 */




/** What an empty export does: a warning, a failure, or nothing (`if-empty`). */
const IF_EMPTY = ['warn', 'error', 'ignore'];
/** Why an export is empty, or undefined: CoreClaw reports 0 results, or the file has 0 rows or 0 bytes. */
function emptiness(facts) {
    if (facts.results === 0)
        return 'CoreClaw reports 0 results for it';
    if (facts.size === 0)
        return 'the file is 0 bytes';
    if (facts.rows === 0)
        return 'the file has 0 rows';
    return undefined;
}
/** With `if-empty: error`, an empty export fails before anything replaces the destination. */
function refuseEmpty(ifEmpty, runId, facts) {
    const reason = emptiness(facts);
    if (reason && ifEmpty === 'error')
        throw new _download_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .EmptyExportError */ .qP(runId, reason);
}
/** After the file was saved: a warning for an empty export (`if-empty: warn`), a line otherwise. */
function reportEmpty(ifEmpty, runId, destination, facts, log) {
    const reason = emptiness(facts);
    if (!reason)
        return;
    if (ifEmpty === 'warn') {
        log.warning(`The export of run ${runId} is empty: ${reason}. ${destination} was written anyway; set ${log.say.set('if-empty', 'error')} to fail the step instead.`, 'Empty export');
    }
    else
        log.info(`The export of run ${runId} is empty: ${reason}.`);
}
/** `path: results.xlsx` with `format: csv` saves CSV bytes under an Excel name: say so before anything runs. */
function warnOfExtension(destination, format, log) {
    const extension = node_path__WEBPACK_IMPORTED_MODULE_0__.extname(destination).slice(1).toLowerCase();
    if (extension === format || !_coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_1__/* .FORMATS */ .hR.includes(extension))
        return;
    log.warning(`The file ${node_path__WEBPACK_IMPORTED_MODULE_0__.basename(destination)} will hold ${format} data, not ${extension}: set ${log.say.set('format', extension)}, or name the file .${format}.`, 'File name contradicts the format');
}
/** The rows in the file against CoreClaw's count, saying which way they differ. */
function compareRows(rows, results, runId, log) {
    if (rows === undefined || results === undefined || rows === results)
        return;
    const which = rows < results
        ? `fewer than the ${results} CoreClaw reports for run ${runId}: the export may be incomplete`
        : `more than the ${results} CoreClaw reports for run ${runId}: CoreClaw's count may lag behind the results it stored`;
    log.warning(`The file has ${(0,_progress_js__WEBPACK_IMPORTED_MODULE_3__/* .count */ .U9)(rows, 'row')}, ${which}.`, 'Row count differs');
}


/***/ }),

/***/ 223:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CE: () => (/* binding */ UnspokenAnswerError),
/* harmony export */   Dr: () => (/* binding */ NetworkError),
/* harmony export */   Lx: () => (/* binding */ RedirectError),
/* harmony export */   MU: () => (/* binding */ TimeoutError),
/* harmony export */   PS: () => (/* binding */ isRetryableStatus),
/* harmony export */   T6: () => (/* binding */ ProxyError),
/* harmony export */   WM: () => (/* binding */ TlsError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(525);
/* harmony import */ var _server_text_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(86);
/** What a request on the wire can fail with (http.ts): no answer, a proxy, TLS, a redirect we refuse. */


function isRetryableStatus(status) {
    return status === 408 || status === 429 || status >= 500;
}
/** A request that never got an HTTP answer: refused, reset, DNS, TLS, proxy, or timed out. */
class NetworkError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    operation;
    code;
    name = 'NetworkError';
    retryable = true;
    /**
     * Set by http.ts when the failure came before the connection to the server was made: then no
     * byte of the request left the machine. Unset means it may have reached the server.
     */
    unsent = false;
    constructor(operation, code, detail) {
        super(`${operation} failed: ${code}${detail ? ` (${detail})` : ''}`);
        this.operation = operation;
        this.code = code;
    }
    advice(say) {
        return `Check that the runner can reach the host (proxy settings, ${say.input('base-url')}); the request is retried up to ${say.input('max-attempts')} times.`;
    }
}
/** Nothing, or not enough, arrived in time. Which limit it was is in the message. */
class TimeoutError extends NetworkError {
    timeoutMs;
    name = 'TimeoutError';
    constructor(operation, detail, timeoutMs) {
        super(operation, 'ETIMEDOUT', detail);
        this.timeoutMs = timeoutMs;
    }
    advice(say) {
        return `The host did not answer in time: raise ${say.input('timeout')} if it is just slow.`;
    }
    /** The head of the answer did not come, from the server or from the proxy in between. */
    static noAnswer(operation, timeoutMs, proxy) {
        const time = timeoutMs === undefined ? 'no answer' : `no answer for ${seconds(timeoutMs)}`;
        return new TimeoutError(operation, proxy ? `${time}, through the proxy ${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(proxy, 256)}` : time, timeoutMs);
    }
    /** An API answer that was still incomplete at its deadline (it may have been trickling in). */
    static incomplete(operation, timeoutMs) {
        return new TimeoutError(operation, `no complete answer within ${seconds(timeoutMs)}`, timeoutMs);
    }
    /** A download that stopped moving. */
    static stalled(operation, timeoutMs) {
        return new TimeoutError(operation, `no bytes from the server for ${seconds(timeoutMs)}`, timeoutMs);
    }
}
function seconds(ms) {
    return `${ms / 1000} s`;
}
/** The proxy in between refused the tunnel: 407 wants credentials (final), 502/503 is the proxy's trouble (retried). */
class ProxyError extends NetworkError {
    status;
    proxy;
    name = 'ProxyError';
    retryable;
    constructor(operation, status, proxy) {
        super(operation, `EPROXY${status}`, `the proxy ${proxy ? `${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(proxy, 256)} ` : ''}answered HTTP ${status}`);
        this.status = status;
        this.proxy = proxy;
        this.retryable = status !== 407 && isRetryableStatus(status);
    }
    advice(say) {
        if (this.status === 407) {
            return 'The proxy wants credentials: put them in the proxy URL (HTTPS_PROXY=http://user:password@proxy:port), from a secret.';
        }
        return `The proxy could not reach the host, or is overloaded; the request is retried up to ${say.input('max-attempts')} times. Check the proxy if it persists.`;
    }
}
/** An answer the action does not speak, such as 101 Switching Protocols: final, and never a hang. */
class UnspokenAnswerError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    operation;
    status;
    name = 'UnspokenAnswerError';
    constructor(operation, status, statusText) {
        super(`${operation} failed: the server answered HTTP ${status}${statusText ? ` ${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(statusText, 64)}` : ''}, which the action does not speak`);
        this.operation = operation;
        this.status = status;
    }
    advice(say) {
        return this.operation === 'download'
            ? 'The storage host switched protocols instead of sending the file; contact CoreClaw support with the request id if it persists.'
            : `Something other than CoreClaw's API answered: check ${say.input('base-url')} and the runner's proxy settings.`;
    }
}
/** The host's TLS certificate was not accepted: retrying can't help, trusting the right CA can. */
class TlsError extends NetworkError {
    name = 'TlsError';
    retryable = false;
    advice() {
        return "The host's TLS certificate was not trusted. If the runner is behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the path of that proxy's CA certificate.";
    }
}
/**
 * A redirect we will not follow. Final: asking again gets the same redirect. Only the origin and
 * path of either URL are ever shown.
 */
class RedirectError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    name = 'RedirectError';
    operation;
    kind;
    to;
    constructor({ operation, kind, from, to, limit }) {
        // A URL without an origin (file:, javascript:) has "null" for one: show its scheme instead.
        const target = to ? (0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(`${to.origin === 'null' ? to.protocol : to.origin}${to.pathname}`, 512) : '';
        const host = from.host;
        const why = {
            'cross-origin': `${host} redirected the API call to another origin, ${target}; the API key is only sent to the API's own origin`,
            downgrade: `${host} redirected from https to plain http (${target}); that is never followed`,
            scheme: `${host} redirected to ${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(to?.protocol ?? '?', 32)} (${target}); only http and https are followed`,
            'too-many': `more than ${limit} redirects, the last from ${host} to ${target}`,
            unparseable: `${host} sent a redirect whose Location is not a URL`,
            post: `${host} redirected a POST request; a POST is never sent again elsewhere`
        };
        super(`${operation} refused a redirect: ${why[kind]}`);
        this.operation = operation;
        this.kind = kind;
        this.to = to;
    }
    advice(say) {
        if (this.kind === 'cross-origin') {
            return `If ${this.to?.origin} is really your CoreClaw API, set ${say.input('base-url')} to it; otherwise check ${say.input('base-url')}.`;
        }
        return this.operation === 'download'
            ? 'The storage host behind the download link answered with a redirect the action will not follow; run the job again, and contact CoreClaw support with the request id if it persists.'
            : `The server at ${say.input('base-url')} answered with a redirect the action will not follow: check ${say.input('base-url')}.`;
    }
}


/***/ }),

/***/ 803:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Em: () => (/* binding */ request),
/* harmony export */   oM: () => (/* binding */ loggable),
/* harmony export */   x6: () => (/* binding */ networkError),
/* harmony export */   yR: () => (/* binding */ readText)
/* harmony export */ });
/* unused harmony export MAX_REDIRECTS */
/* harmony import */ var _actions_http_client__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(313);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(525);
/* harmony import */ var _http_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(223);



const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** The URL as it may be logged: origin and path, never the query or fragment. */
function loggable(url) {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.origin}${parsed.pathname}`;
}
async function request(url, options) {
    let current = url;
    for (let hop = 0;; hop++) {
        const signed = options.sign ? options.sign(current) : { url: current, headers: {} };
        // url.host leaves out the scheme's default port. Node would add ":80" behind a proxy tunnel,
        // and object storage may sign the Host header.
        const headers = { ...options.headers, ...signed.headers, host: signed.url.host };
        const response = await send(signed.url, headers, options);
        const location = response.headers.location;
        if (!REDIRECTS.has(response.status) || !location)
            return { ...response, url: current };
        response.close();
        if (options.method === 'POST')
            throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .RedirectError */ .Lx({ operation: options.operation, kind: 'post', from: current });
        current = nextHop(url, current, location, hop, options);
    }
}
/** Where a redirect may go: every refusal is final, since asking again gets the same answer. */
function nextHop(first, current, location, hop, options) {
    const { operation } = options;
    let next;
    try {
        next = new URL(location, current);
    }
    catch {
        throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .RedirectError */ .Lx({ operation, kind: 'unparseable', from: current });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .RedirectError */ .Lx({ operation, kind: 'scheme', from: current, to: next });
    }
    if (current.protocol === 'https:' && next.protocol !== 'https:') {
        throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .RedirectError */ .Lx({ operation, kind: 'downgrade', from: current, to: next });
    }
    if (options.sameOriginOnly && next.origin !== first.origin) {
        throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .RedirectError */ .Lx({ operation, kind: 'cross-origin', from: current, to: next });
    }
    if (hop + 1 > MAX_REDIRECTS) {
        throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .RedirectError */ .Lx({ operation, kind: 'too-many', from: current, to: next, limit: MAX_REDIRECTS });
    }
    return next;
}
/** One request, one client: nothing pooled outlives it, and no agent serves two origins. */
async function send(url, headers, options) {
    const { operation, timeoutMs } = options;
    const proxy = proxyOf(url);
    const deadline = new AbortController();
    const signal = options.signal ? AbortSignal.any([deadline.signal, options.signal]) : deadline.signal;
    const phase = { connected: false };
    const client = new _actions_http_client__WEBPACK_IMPORTED_MODULE_0__/* .HttpClient */ .Qq(options.userAgent, [guardedBy(signal, operation, phase)], {
        allowRedirects: false,
        allowRetries: false,
        keepAlive: false,
        socketTimeout: timeoutMs
    });
    const timer = setTimeout(() => deadline.abort(_http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .TimeoutError */ .MU.noAnswer(operation, timeoutMs, proxy)), timeoutMs);
    const stopped = rejectedWhenAborted(signal);
    try {
        const answer = client.request(options.method ?? 'GET', url.href, options.body ?? null, headers);
        // A request aborted before it has a socket (the proxy tunnel's CONNECT is still waiting)
        // never settles http-client's promise: the signal settles the wait instead.
        answer.catch(() => undefined);
        const { message } = await Promise.race([answer, stopped.promise]);
        // http-client's socket timeout guards the head only. On a body it would just half-close the
        // socket (socket.end()), turning a stall into a cut or a hang; the caller's deadline (API
        // answers) or stall watchdog (downloads) guards the body instead.
        message.socket?.setTimeout(0);
        const close = (reason) => {
            message.destroy(reason);
            client.dispose();
        };
        // Cancelling the step after the head arrived ends the body too.
        const onAbort = () => close(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        message.once('close', () => signal.removeEventListener('abort', onAbort));
        return { status: message.statusCode ?? 0, headers: message.headers, body: message, close };
    }
    catch (error) {
        client.dispose();
        const reason = signal.aborted ? signal.reason : error;
        if (reason instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .CancelledError */ .cc && !phase.connected)
            throw reason.beforeSending(operation);
        // No head yet, through a proxy: the message says so, since the proxy may be what never answered.
        const failure = proxy && reason instanceof _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .TimeoutError */ .MU
            ? _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .TimeoutError */ .MU.noAnswer(operation, timeoutMs, proxy)
            : networkError(reason, operation, timeoutMs, proxy);
        if (failure instanceof _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .NetworkError */ .Dr && !phase.connected)
            failure.unsent = true;
        throw failure;
    }
    finally {
        clearTimeout(timer);
        stopped.dispose();
    }
}
/** The proxy a request to `url` goes through, as host:port (never its credentials), or undefined. */
function proxyOf(url) {
    const proxy = (0,_actions_http_client__WEBPACK_IMPORTED_MODULE_0__/* .getProxyUrl */ .s_)(url.href);
    return proxy ? new URL(proxy).host : undefined;
}
/** A promise that rejects with the signal's reason once it is aborted; `dispose` stops listening. */
function rejectedWhenAborted(signal) {
    let onAbort = () => undefined;
    const promise = new Promise((_, reject) => {
        onAbort = () => reject(signal.reason);
        if (signal.aborted)
            onAbort();
        else
            signal.addEventListener('abort', onAbort, { once: true });
    });
    promise.catch(() => undefined);
    return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
/**
 * http-client passes every request's options through its handlers: the one place to add what it
 * lacks. The signal, for deadlines and cancellation. An IPv6 literal's host without its brackets
 * (http-client hands Node "[::1]", which Node would look up by name). And the agent, wrapped so
 * that each request it takes listens for `upgrade`: Node emits that for a 101 answer and, with
 * nobody listening, drops the socket without ever settling the request.
 */
function guardedBy(signal, operation, phase) {
    return {
        prepareRequest: (options) => {
            options.signal = signal;
            if (options.host?.startsWith('['))
                options.host = options.host.slice(1, -1);
            if (options.agent)
                options.agent = watched(options.agent, operation, phase);
        },
        canHandleAuthentication: () => false,
        handleAuthentication: () => Promise.reject(new Error('not supported'))
    };
}
/**
 * The agent, wrapped so that each request it takes is watched: for a 101 answer, and for the moment
 * its connection is made (`connect`, or `secureConnect` once TLS is up; a proxy tunnel hands over
 * a socket that is connected already).
 */
function watched(agent, operation, phase) {
    if (typeof agent !== 'object')
        return agent;
    return new Proxy(agent, {
        get(target, property) {
            const value = Reflect.get(target, property, target);
            if (property !== 'addRequest' || typeof value !== 'function')
                return typeof value === 'function' ? value.bind(target) : value;
            return (request, ...rest) => {
                request.once('socket', socket => {
                    const secure = socket.encrypted === true;
                    if (!secure && !socket.connecting)
                        phase.connected = true;
                    else
                        socket.once(secure ? 'secureConnect' : 'connect', () => (phase.connected = true));
                });
                request.on('upgrade', (answer, socket) => {
                    socket.destroy();
                    request.destroy();
                    // After an upgrade the request is detached from its socket, so destroy() alone reports
                    // nothing: the error is handed to http-client's own 'error' listener.
                    request.emit('error', new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UnspokenAnswerError */ .CE(operation, answer.statusCode ?? 101, answer.statusMessage));
                });
                return value.call(target, request, ...rest);
            };
        }
    });
}
/** Node's and http-client's errors as ours, minus anything that could carry a query string. */
function networkError(error, operation, timeoutMs, proxy) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ)
        return error;
    const code = error?.code ?? 'ENETWORK';
    const message = error instanceof Error ? error.message : String(error);
    // http-client's own socket timeout says "Request timeout: <path and query>".
    if (message.startsWith('Request timeout:'))
        return _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .TimeoutError */ .MU.noAnswer(operation, timeoutMs, proxy);
    // The proxy tunnel's refusal: "tunneling socket could not be established, statusCode=407".
    const proxyStatus = /tunneling socket could not be established, statusCode=(\d{3})/.exec(message)?.[1];
    if (proxyStatus)
        return new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ProxyError */ .T6(operation, Number(proxyStatus), proxy);
    const detail = message.replace(/\?\S*/g, '?\u2026');
    if (isCertificateError(code))
        return new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .TlsError */ .WM(operation, code, detail);
    return new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .NetworkError */ .Dr(operation, code, detail);
}
/** OpenSSL's verification failures as Node reports them (X509_V_ERR_* without the prefix). */
function isCertificateError(code) {
    return (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|CERT_)/.test(code));
}
/**
 * A small body as text: the API is asked for identity, but a gateway may compress anyway, and
 * compressed bytes must never land in a message as if they were text.
 */
async function decoded(body, encoding, operation, limitBytes) {
    const coding = (encoding ?? '').trim().toLowerCase();
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate' && coding !== 'br')
        return body;
    // Loaded only for such an answer: loading zlib costs every step's start-up some 2 ms.
    const zlib = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 522, 23));
    const decode = coding === 'br' ? zlib.brotliDecompressSync : coding === 'deflate' ? zlib.inflateSync : zlib.gunzipSync;
    try {
        return decode(body, { maxOutputLength: limitBytes });
    }
    catch {
        throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .NetworkError */ .Dr(operation, 'EDECODE', `the ${coding} answer could not be decoded`);
    }
}
/**
 * Reads a small body (an API answer) into a string, with a size cap, and ends the exchange. Its
 * deadline is the caller's signal: aborting it destroys the body, and the read rejects with the
 * signal's reason.
 */
async function readText(response, operation, limitBytes = 4 * 1024 * 1024) {
    const chunks = [];
    let size = 0;
    try {
        for await (const chunk of response.body) {
            size += chunk.length;
            if (size > limitBytes) {
                throw new _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .NetworkError */ .Dr(operation, 'ETOOLARGE', `the answer is larger than ${limitBytes} bytes`);
            }
            chunks.push(chunk);
        }
        return (await decoded(Buffer.concat(chunks), response.headers['content-encoding'], operation, limitBytes)).toString('utf8');
    }
    catch (error) {
        throw networkError(error, operation);
    }
    finally {
        response.close();
    }
}


/***/ }),

/***/ 914:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Qh: () => (/* binding */ INPUT_NAMES),
/* harmony export */   g$: () => (/* binding */ INPUT_TABLE)
/* harmony export */ });
/* unused harmony export describeInput */
const INPUT_TABLE = {
    'run-id': {
        required: true,
        default: '',
        value: 'slug|last|last-succeeded|new',
        summary: 'The run to export: its slug, "last", "last-succeeded", or "new" to start one.',
        details: 'A slug is data.run_slug from a start or rerun (e.g. 01KKDXV2G26BT7NH4ZQR2R4NPZ; letters, digits, "-" and "_"). "last" is the account\'s latest run, or worker-id\'s; "last-succeeded" the newest run that succeeded. "new" starts a run of worker-id (with input or input-file) or of task-id, and exports that; a started run is billed.'
    },
    'api-key': {
        required: true,
        default: '',
        value: 'key',
        summary: 'Your CoreClaw API key, normally secrets.CORECLAW_API_KEY.',
        details: 'It is masked in the log and sent only to base-url, never to the storage host.'
    },
    'worker-id': {
        default: '',
        value: 'id',
        summary: 'A worker, as owner/name or its slug: with "last" or "last-succeeded", whose run; with "new", the one to start.',
        cli: 'A worker, as owner/name or its slug: with --run-id last or last-succeeded, whose run; with new, the one to start.',
        details: 'owner/name is e.g. coreclaw/google-maps-scraper.'
    },
    'worker-version': {
        default: '',
        value: 'version',
        summary: 'With "new" and worker-id: the worker version to start.',
        cli: 'With --run-id new and --worker-id: the worker version to start.',
        details: 'Empty leaves it out of the request, and CoreClaw picks the version.'
    },
    'task-id': {
        default: '',
        value: 'slug',
        summary: 'With "new": a saved task to start instead of a worker.',
        cli: 'With --run-id new: a saved task to start instead of a worker.',
        details: 'A task carries its own input, so input and input-file are refused with it.'
    },
    input: {
        default: '',
        value: 'json',
        summary: 'With "new" and worker-id: the worker\'s input, a JSON object.',
        cli: "With --run-id new and --worker-id: the worker's input, a JSON object.",
        details: "Checked against the worker's input schema before the run starts, and never printed. Form fields go under parameters.custom. Empty means no input."
    },
    'input-file': {
        default: '',
        value: 'path',
        summary: 'With "new" and worker-id: a JSON file holding the worker\'s input, instead of input.',
        cli: "With --run-id new and --worker-id: a JSON file holding the worker's input, instead of --input.",
        details: 'At most 1 MiB, relative to the workspace, and really inside it or RUNNER_TEMP: a path or link out of them is refused (the CLI reads any file).'
    },
    'abort-on-stop': {
        default: 'true',
        value: 'bool',
        summary: 'Abort a run this step started when the step ends before the run finished.',
        cli: 'Abort a run this command started when it ends (Ctrl-C, --wait-timeout, a failure) before the run finished.',
        details: 'That is: cancelled, wait-timeout, or a failure while waiting. A run the step did not start is never aborted. true or false.'
    },
    'show-log': {
        default: 'true',
        value: 'bool',
        summary: "Show the run's new log entries while waiting for it.",
        details: 'At most 3000 lines and 1 MiB, 500 lines per read. true or false.'
    },
    'dry-run': {
        default: 'false',
        value: 'bool',
        summary: 'With "new": check what would be started, and start nothing.',
        cli: 'With --run-id new: check what would be started, and start nothing.',
        details: "Checks the input (or input-file) against the worker's input schema and that the worker or task exists, prints what would be started, and fails only on a problem. Free: for pull requests that change an input file. true or false."
    },
    format: {
        default: 'csv',
        value: 'format',
        summary: 'File format: csv, json, jsonl, xlsx, xls, xml, html or rss.',
        details: 'Any case.'
    },
    'filter-keys': {
        default: '',
        value: 'keys',
        summary: 'Field keys to keep, in this order, separated by commas and/or newlines.',
        details: 'E.g. "title,address". Duplicates and empty entries are dropped. Empty means all fields.'
    },
    path: {
        default: '',
        value: 'path',
        summary: 'Where to write the file: a file, or a folder for <run-id>.<format>.',
        details: 'Empty means <workspace>/<run-id>.<format>. A path ending with "/" or "\\" or naming an existing folder gets <run-id>.<format> inside it; anything else is the file path. Relative paths are relative to the workspace; missing folders are created.'
    },
    overwrite: {
        default: 'true',
        value: 'bool',
        summary: 'Replace a file that already exists at the destination.',
        details: 'With false the step fails before any download (and before a run is started, when the file name does not depend on it) and leaves the file untouched. true or false.'
    },
    'if-empty': {
        default: 'warn',
        value: 'warn|error|ignore',
        summary: 'What an empty export does: warn, error (fail the step, keep the destination as it was), or ignore.',
        cli: 'What an empty export does: warn, error (exit 1, keep the destination as it was), or ignore.',
        details: 'Empty means CoreClaw reports 0 results, or the file has 0 rows (a CSV with only its header, [], no lines) or 0 bytes.'
    },
    'compare-with': {
        default: 'previous',
        value: 'previous|none|path',
        summary: 'What to compare the export with: the file it replaces (previous), an earlier export, or none.',
        details: 'A path is relative to the workspace and must really be inside it or RUNNER_TEMP (the CLI reads any file), e.g. a file restored by actions/cache or actions/download-artifact; one that is missing fails the step before any request. csv, json and jsonl are compared by rows (rows-added, rows-removed, rows-changed), other formats by their bytes. With no previous file nothing is compared, and changed is empty.'
    },
    'key-fields': {
        default: '',
        value: 'keys',
        summary: 'The fields that identify a row (CSV header names, or top-level keys of JSON rows), e.g. place_id.',
        details: 'With them, a row whose key stays and whose other fields differ is counted as changed, not as removed and added. Separated by commas and/or newlines. Empty compares whole rows.'
    },
    'base-url': {
        default: 'https://openapi.coreclaw.com',
        value: 'url',
        summary: 'The CoreClaw API base URL, for private deployments.',
        details: 'A trailing slash, or /api/v2, is fine.'
    },
    'auth-method': {
        default: 'bearer',
        value: 'method',
        summary: 'How the key is sent: bearer, header or query.',
        details: 'bearer is the Authorization: Bearer header, header the api-key header, query ?token= (a last resort for gateways that drop headers).'
    },
    'max-attempts': {
        default: '5',
        value: 'n',
        summary: 'Attempts per request, the first included (1 to 100).',
        details: 'For network errors, timeouts, HTTP 408, 429 and 5xx and cut downloads. Other 4xx errors are never retried, and a request that starts a run is retried only when CoreClaw provably started nothing.'
    },
    timeout: {
        default: '60',
        value: 's',
        summary: 'Seconds an API answer may take to arrive whole, and the longest pause of a download.',
        details: 'From 0.1 to 3600. An API answer must arrive whole within it, redirects included, however it trickles. The download must start answering within it and may then pause for at most this long: a slow but moving download is never cut off. Each failed attempt is retried.'
    },
    'wait-timeout': {
        default: '600',
        value: 's',
        summary: 'Seconds to wait for a free slot of your plan and for the run to finish; 0 means do not wait.',
        details: 'Counted from the step\'s start. A run that is still ready or running then fails the step (and is aborted, if this step started it). With "new", 0 means start only: the run is started and left running, nothing is exported, and a later workflow exports it with last-succeeded.'
    }
};
/** The names, in the order action.yml lists them. */
const INPUT_NAMES = Object.keys(INPUT_TABLE);
/** The description action.yml gives each input: summary, details, and the default. */
function describeInput(name) {
    const spec = INPUT_TABLE[name];
    const parts = [spec.required ? 'Required.' : '', spec.summary, spec.details];
    if (!spec.required)
        parts.push(`Default: ${spec.default === '' ? 'empty' : spec.default}.`);
    return parts.filter(Boolean).join(' ');
}


/***/ }),

/***/ 422:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   TL: () => (/* binding */ parseInputs),
/* harmony export */   dy: () => (/* binding */ NEW),
/* harmony export */   nD: () => (/* binding */ isGivenSlug)
/* harmony export */ });
/* unused harmony exports DEFAULTS, parseFieldNames */
/* harmony import */ var _destination_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(567);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(525);
/* harmony import */ var _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(986);
/* harmony import */ var _file_checks_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(387);
/* harmony import */ var _input_table_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(914);
/* harmony import */ var _which_run_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(950);
/**
 * The step's inputs, parsed into a typed and validated object before any request is made.
 * The same parser serves the action (INPUT_* variables) and the CLI (flags).
 */






/** `new` starts a run: a billed action the user asks for in so many words. */
const NEW = 'new';
/** Each input's default, as action.yml gives it (input-table.ts is the one source). */
const DEFAULTS = Object.fromEntries(_input_table_js__WEBPACK_IMPORTED_MODULE_4__/* .INPUT_NAMES */ .Qh.map(name => [name, _input_table_js__WEBPACK_IMPORTED_MODULE_4__/* .INPUT_TABLE */ .g$[name].default]));
/** owner/name, or a worker's slug. */
const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
/** A task slug has a run slug's shape. */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const RUN_ID_ACCEPTED = "a run slug (letters, digits, '-' and '_', e.g. 01KKDXV2G26BT7NH4ZQR2R4NPZ), 'last', 'last-succeeded', or 'new' to start a run";
/** Whether `run-id` names a run by its slug, rather than by one of the words `last`, `last-succeeded` or `new`. */
function isGivenSlug(runId) {
    return runId !== _which_run_js__WEBPACK_IMPORTED_MODULE_5__/* .LAST */ .xo && runId !== _which_run_js__WEBPACK_IMPORTED_MODULE_5__/* .LAST_SUCCEEDED */ .lB && runId !== NEW;
}
/** `read` returns the trimmed value of an input, or '' when it was not given. */
function parseInputs(read) {
    const value = (name) => read(name).trim() || DEFAULTS[name];
    // What to export first: a usage mistake is told before a missing secret.
    const runId = value('run-id');
    if (!runId)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('run-id', 'is missing', RUN_ID_ACCEPTED);
    const special = [_which_run_js__WEBPACK_IMPORTED_MODULE_5__/* .LAST */ .xo, _which_run_js__WEBPACK_IMPORTED_MODULE_5__/* .LAST_SUCCEEDED */ .lB, NEW].find(word => word === runId.toLowerCase());
    if (!special && !(0,_coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_2__/* .isRunSlug */ .XL)(runId)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('run-id', `is not a run slug: '${runId}'`, RUN_ID_ACCEPTED);
    }
    const apiKey = read('api-key').trim();
    if (!apiKey) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('api-key', "is empty. Usually the secret is not set in this repository or its environment, or GitHub does not pass secrets to this workflow: it doesn't for pull requests from forks, and Dependabot's pull requests get only Dependabot secrets", 'your CoreClaw API key, e.g. ${{ secrets.CORECLAW_API_KEY }}, with that secret set under Settings \u2192 Secrets and variables \u2192 Actions');
    }
    if (/[\r\n]/.test(apiKey))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('api-key', 'spans several lines', 'a single-line CoreClaw API key');
    const workerId = optional(read, 'worker-id', WORKER_ID, 'owner/name (e.g. coreclaw/google-maps-scraper) or a worker slug');
    const taskId = optional(read, 'task-id', TASK_ID, "a task slug from CoreClaw's console or GET /api/v2/worker-tasks");
    const workerVersion = optional(read, 'worker-version', VERSION, 'a version of the worker, e.g. 1.2.0');
    const input = runInput(read);
    if (special === NEW)
        checkStart({ workerId, taskId, workerVersion, input });
    else {
        // Everything that only makes sense for a run this step starts is refused elsewhere, so a
        // workflow never believes it configured a run that nothing starts.
        const onlyForNew = ['task-id', 'worker-version', 'input', 'input-file'].find(name => read(name).trim());
        if (!onlyForNew && parseBoolean('dry-run', value('dry-run'))) {
            const todo = "Set 'run-id: new', or remove 'dry-run'";
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('dry-run', "is only used with 'run-id: new'", todo, todo);
        }
        if (onlyForNew) {
            const todo = `Set 'run-id: new' to start a run, or remove '${onlyForNew}'`;
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(onlyForNew, "is only used with 'run-id: new'", todo, todo);
        }
    }
    return {
        runId: special ?? runId,
        apiKey,
        format: oneOf('format', value('format').toLowerCase(), _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_2__/* .FORMATS */ .hR),
        filterKeys: parseFieldNames(read('filter-keys')),
        path: usablePath(read('path').trim()),
        overwrite: parseBoolean('overwrite', value('overwrite')),
        ifEmpty: oneOf('if-empty', value('if-empty').toLowerCase(), _file_checks_js__WEBPACK_IMPORTED_MODULE_3__/* .IF_EMPTY */ .cb),
        compareWith: parseCompareWith(value('compare-with')),
        keyFields: parseFieldNames(read('key-fields')),
        baseUrl: parseBaseUrl(value('base-url')),
        authMethod: oneOf('auth-method', value('auth-method').toLowerCase(), _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_2__/* .AUTH_METHODS */ .MA),
        maxAttempts: parseNumber('max-attempts', value('max-attempts'), { min: 1, max: 100, integer: true }),
        timeoutSeconds: parseNumber('timeout', value('timeout'), { min: 0.1, max: 3600 }),
        waitTimeoutSeconds: parseNumber('wait-timeout', value('wait-timeout'), { min: 0, max: 6 * 3600 }),
        workerId,
        taskId,
        workerVersion,
        input,
        abortOnStop: parseBoolean('abort-on-stop', value('abort-on-stop')),
        showLog: parseBoolean('show-log', value('show-log')),
        dryRun: parseBoolean('dry-run', value('dry-run'))
    };
}
function usablePath(raw) {
    (0,_destination_js__WEBPACK_IMPORTED_MODULE_0__/* .refuseUnusableNames */ .KF)(raw);
    return raw;
}
function optional(read, name, shape, accepted) {
    const given = read(name).trim();
    if (!given)
        return undefined;
    if (!shape.test(given))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `is not valid: '${given}'`, accepted);
    return given;
}
/** The worker's input as given: JSON text, or a file; whether it is valid is worker-input.ts's question. */
function runInput(read) {
    const text = read('input').trim();
    const file = read('input-file').trim();
    if (text && file) {
        const todo = "Give one of them: 'input' for JSON text, or 'input-file' for a JSON file";
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('input', "is given together with 'input-file'", todo, todo);
    }
    if (text)
        return { text };
    if (file)
        return { file };
    return undefined;
}
/** What `run-id: new` needs: exactly one of a worker and a task, and input only for a worker. */
function checkStart(given) {
    const { workerId, taskId, workerVersion, input } = given;
    if (!workerId === !taskId) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(workerId ? 'task-id' : 'worker-id', workerId ? "is given together with 'worker-id'" : "is missing for 'run-id: new'", "exactly one of 'worker-id' (a worker to start with 'input') and 'task-id' (a saved task, which carries its own input)", "Give exactly one of 'worker-id' (a worker to start with 'input') and 'task-id' (a saved task, which carries its own input)");
    }
    if (taskId && input) {
        const name = 'text' in input ? 'input' : 'input-file';
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, "is given together with 'task-id'", "no input with a task: it runs with the input saved in CoreClaw; use 'worker-id' to give your own", `Remove '${name}': a task runs with the input saved in CoreClaw; use 'worker-id' to give your own`);
    }
    if (taskId && workerVersion) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('worker-version', "is given together with 'task-id'", "a version only with 'worker-id'", "Remove 'worker-version': a version goes only with 'worker-id'");
    }
}
/** `previous` and `none` in any case; anything else is a path (read and checked before any request). */
function parseCompareWith(raw) {
    const word = raw.toLowerCase();
    if (word === 'previous' || word === 'none')
        return word;
    if (/[\u0000-\u001f\u007f]/.test(raw)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('compare-with', 'holds a control character (a line break, a tab, \u2026)', "'previous', 'none', or a file path on one line");
    }
    return { file: raw };
}
/** Field names (filter-keys, key-fields): commas and/or newlines; trimmed, empties dropped, duplicates removed, order kept. */
function parseFieldNames(raw) {
    const keys = raw
        .split(/[,\r\n]/)
        .map(key => key.trim())
        .filter(key => key.length > 0);
    return [...new Set(keys)];
}
function oneOf(name, raw, accepted) {
    if (accepted.includes(raw))
        return raw;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `is '${raw}'`, `one of ${accepted.join(', ')}`);
}
/** YAML 1.2 core booleans, as the runner and @actions/core accept them. */
function parseBoolean(name, raw) {
    if (['true', 'True', 'TRUE'].includes(raw))
        return true;
    if (['false', 'False', 'FALSE'].includes(raw))
        return false;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `is '${raw}'`, 'true or false');
}
function parseNumber(name, raw, rule) {
    const number = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    const ok = number >= rule.min && number <= rule.max && (!rule.integer || Number.isInteger(number));
    if (ok)
        return number;
    const kind = rule.integer ? 'a whole number' : 'a number of seconds';
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `is '${raw}'`, `${kind} from ${rule.min} to ${rule.max}`);
}
function parseBaseUrl(raw) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('base-url', `is not a URL: '${raw}'`, 'an http(s) URL such as https://openapi.coreclaw.com');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('base-url', `uses ${url.protocol}`, 'an http(s) URL such as https://openapi.coreclaw.com');
    }
    if (url.search || url.hash || url.username || url.password) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('base-url', 'has a query, fragment or credentials', 'an http(s) URL such as https://openapi.coreclaw.com');
    }
    // Accept "https://host/", "https://host/prefix" and "https://host/api/v2" alike.
    url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
    return url;
}


/***/ }),

/***/ 671:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ describeTarget),
/* harmony export */   g: () => (/* binding */ namingRun)
/* harmony export */ });
function describeTarget(target) {
    return 'workerId' in target ? `worker ${target.workerId}` : `task ${target.taskId}`;
}
/** "Run X: " before a message that does not name the run already. */
function namingRun(error, known) {
    return known && !error.message.includes(known.runId) ? `Run ${known.runId}: ` : '';
}


/***/ }),

/***/ 729:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Kh: () => (/* binding */ outputsOfFailure),
/* harmony export */   P0: () => (/* binding */ OUTPUT_NAMES),
/* harmony export */   Yz: () => (/* binding */ outputsOf)
/* harmony export */ });
/* unused harmony exports OUTPUT_TABLE, asStrings */
const OUTPUT_TABLE = {
    path: 'Absolute path of the exported file.',
    url: 'The signed download_url CoreClaw returned. It is temporary and grants access to the file; treat it as a secret.',
    'run-id': 'The run that was exported; with "last", the slug it resolved to; with "new", the started run\'s slug. Set as soon as the run is known, so an if: failure() or if: cancelled() step can name it.',
    'run-started': '"true" when this step started the run (run-id "new"), otherwise "false".',
    format: 'The format of the file, lowercase.',
    size: 'Size of the file in bytes.',
    sha256: 'SHA-256 of the file, lowercase hex, computed while downloading.',
    'result-count': "The run's row count (results) as CoreClaw reports it; empty when CoreClaw sent no valid count.",
    rows: 'Rows in the downloaded file, counted while it streamed (csv without its header, jsonl lines, json array elements); empty for other formats. A warning is shown when it differs from result-count.',
    changed: '"true" or "false": whether the export differs from the one it was compared with (compare-with); empty when nothing was compared. For csv, json and jsonl by rows (a moved column or reordered rows change nothing), for other formats by bytes.',
    'rows-added': 'Rows in this export and not in the one it was compared with; empty when rows were not compared.',
    'rows-removed': 'Rows in the export it was compared with and not in this one; empty when rows were not compared.',
    'rows-changed': 'With key-fields: rows whose key is in both exports and whose other fields differ; otherwise empty.',
    'previous-sha256': 'SHA-256 of the export this one was compared with; empty when nothing was compared.',
    'request-id': "CoreClaw's request_id of the export call (on failure, of the failing call), for support requests."
};
/** The names, in the order action.yml lists them. */
const OUTPUT_NAMES = Object.keys(OUTPUT_TABLE);
/** Every output for an outcome. A run that was only started, or a dry run, has no file: those are null. */
function outputsOf(outcome) {
    const none = noOutputs();
    if (outcome.kind === 'dry-run')
        return { ...none, 'run-started': false };
    if (outcome.kind === 'started') {
        return { ...none, 'run-id': outcome.runId, 'run-started': true, 'request-id': outcome.requestId ?? null };
    }
    return {
        path: outcome.path,
        url: outcome.url,
        'run-id': outcome.runId,
        'run-started': outcome.run.startedBy !== undefined,
        format: outcome.format,
        size: outcome.size,
        sha256: outcome.sha256,
        'result-count': outcome.resultCount ?? null,
        rows: outcome.rows ?? null,
        changed: outcome.comparison?.changed ?? null,
        'rows-added': outcome.comparison?.rows?.added ?? null,
        'rows-removed': outcome.comparison?.rows?.removed ?? null,
        'rows-changed': outcome.comparison?.rows?.changed ?? null,
        'previous-sha256': outcome.comparison?.previousSha256 ?? null,
        'request-id': outcome.requestId ?? null
    };
}
/**
 * After a failure: the run, as soon as it was known (a script must be able to find, or abort, a run
 * the step started), and CoreClaw's request id of the failing call.
 */
function outputsOfFailure(known, requestId) {
    return {
        ...noOutputs(),
        'run-id': known?.runId ?? null,
        'run-started': known?.startedBy !== undefined,
        'request-id': requestId ?? null
    };
}
/** Every output, with no value yet. */
function noOutputs() {
    return Object.fromEntries(OUTPUT_NAMES.map(name => [name, null]));
}
/** As the runner takes them: strings, '' for none. */
function asStrings(outputs) {
    return OUTPUT_NAMES.map(name => [name, outputs[name] === null ? '' : String(outputs[name])]);
}


/***/ }),

/***/ 660:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   U9: () => (/* binding */ count),
/* harmony export */   oh: () => (/* binding */ thousands),
/* harmony export */   xZ: () => (/* binding */ progressReporter)
/* harmony export */ });
/* unused harmony export formatBytes */
/**
 * 1,204,000: thousands separated by commas. Not toLocaleString, whose first call loads ICU's locale
 * data: 11 to 14 ms of every step's start here.
 */
function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** "1 row", "3 rows": a count with its noun, singular when it is one. */
function count(n, noun, plural = `${noun}s`) {
    return `${n} ${n === 1 ? noun : plural}`;
}
function formatBytes(bytes) {
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
        const share = total ? ` of ${formatBytes(total)} (${Math.floor((bytes / total) * 100)}%)` : '';
        say(`Downloaded ${formatBytes(bytes)}${share}`);
    };
}


/***/ }),

/***/ 809:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $v: () => (/* binding */ startRule),
/* harmony export */   JQ: () => (/* binding */ BY_ERROR),
/* harmony export */   Ww: () => (/* binding */ provablyNotStarted),
/* harmony export */   dQ: () => (/* binding */ realClock),
/* harmony export */   fU: () => (/* binding */ RetryPolicy),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter)
/* harmony export */ });
/* unused harmony exports BASE_DELAY_MS, MAX_DELAY_MS, MAX_RETRY_AFTER_MS */
/* harmony import */ var _coreclaw_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(351);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(525);
/* harmony import */ var _http_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(223);
/**
 * The one retry policy for every request the action makes. For reads and the download, what is
 * retried is decided by the error itself (`retryable`). Starting a run is the exception, because
 * it costs money and has no idempotency key: `startRule` retries only what provably started nothing.
 */



const realClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    })
};
/** Reads and downloads: the error says whether another attempt can help. */
const BY_ERROR = { verdict: error => (error.retryable ? 'retry' : 'final') };
/**
 * Whether a failed start request provably started no run. Only then may it be retried, or reported
 * as a plain failure. Proof is one of two things. The request never left: it failed before its
 * connection was made (DNS, a refused connection, a proxy's refusal, the TLS handshake, a
 * cancellation while a proxy's CONNECT waited), judged by
 * phase in http.ts, never by error code, since a TLS error can also come after the request was
 * written. Or CoreClaw's own envelope refused it with a 4xx (429/13000 rate limited, 30003 plan
 * limit, 30001 balance, 50001 no such worker, \u2026). Anything after the connection was made (a
 * timeout, a reset, a TLS error), any 5xx, a gateway page or an unreadable answer proves nothing:
 * the run may exist.
 */
function provablyNotStarted(error) {
    const last = error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .AttemptsExhaustedError */ .M3 ? error.last : error;
    if (last instanceof _coreclaw_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CoreClawError */ .B) {
        if (last.status === 429)
            return true;
        return (!last.notEnvelope &&
            last.appCode !== undefined &&
            last.appCode !== 0 &&
            last.status !== undefined &&
            last.status >= 400 &&
            last.status < 500);
    }
    return ((last instanceof _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .NetworkError */ .Dr && last.unsent) ||
        (last instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .CancelledError */ .cc && last.unsentOperation !== undefined));
}
/** Starting a run: retried only when CoreClaw provably started nothing; a full plan is waited for. */
function startRule(waitUntilMs) {
    return {
        waitUntilMs,
        verdict(error) {
            if (!provablyNotStarted(error))
                return 'final';
            if (error instanceof _coreclaw_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CoreClawError */ .B && error.appCode === 30003)
                return 'wait';
            const rateLimited = error instanceof _coreclaw_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CoreClawError */ .B && (error.status === 429 || error.appCode === 13000);
            const neverSent = error instanceof _http_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .NetworkError */ .Dr && error.unsent && error.retryable;
            return rateLimited || neverSent ? 'retry' : 'final';
        }
    };
}
/** The first back-off is 0.5\u20131 s, doubling up to 15\u201330 s. */
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
/** We honour Retry-After, but a job should not sleep for hours on a server's say-so. */
const MAX_RETRY_AFTER_MS = 120_000;
class RetryPolicy {
    options;
    /** Requests made per operation (status polls included), for debug lines. */
    attempts = new Map();
    /** Retries after failures per operation, for the summary: polls are not retries. */
    retries = new Map();
    random;
    constructor(options) {
        this.options = options;
        this.random = options.random ?? Math.random;
    }
    async run(operation, attempt, rule = BY_ERROR) {
        const { maxAttempts, clock, onRetry, signal } = this.options;
        let waits = 0;
        for (let n = 1;;) {
            signal?.throwIfAborted();
            this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
            try {
                return await attempt();
            }
            catch (thrown) {
                const error = (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .asActionError */ .z6)(thrown);
                const verdict = rule.verdict(error);
                if (verdict === 'final')
                    throw error;
                let delayMs;
                if (verdict === 'wait') {
                    // A wait for a full plan can last hours: at least the back-off between tries, whatever
                    // Retry-After says (a 0 would mean a start request in a tight loop).
                    waits++;
                    delayMs = Math.max(this.delayBefore(waits, error), this.backOff(waits));
                    const untilMs = rule.waitUntilMs ?? 0;
                    if (clock.now() + delayMs > untilMs)
                        throw error;
                    onRetry?.({ operation, attempt: n, maxAttempts, delayMs, error, waiting: { untilMs } });
                }
                else {
                    if (n >= maxAttempts)
                        throw maxAttempts > 1 ? new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .AttemptsExhaustedError */ .M3(n, error) : error;
                    delayMs = this.delayBefore(n, error);
                    onRetry?.({ operation, attempt: n, maxAttempts, delayMs, error });
                    n++;
                }
                this.retries.set(operation, (this.retries.get(operation) ?? 0) + 1);
                await clock.sleep(delayMs, signal);
            }
        }
    }
    /** How long to wait after failed attempt `n` (1-based). */
    delayBefore(n, error) {
        if (error.retryAfterMs !== undefined) {
            // The server said when; add at most 250 ms so that many clients don't come back at once.
            return Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS) + Math.round(this.random() * 250);
        }
        return this.backOff(n);
    }
    /** "Equal jitter": half fixed, half random, so waits grow but never collapse to zero. */
    backOff(n) {
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

/***/ 172:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   D4: () => (/* binding */ RunStateError),
/* harmony export */   Nt: () => (/* binding */ NoRunError),
/* harmony export */   PQ: () => (/* binding */ StoppedRunError),
/* harmony export */   w1: () => (/* binding */ StartUncertainError),
/* harmony export */   yj: () => (/* binding */ InputSchemaError),
/* harmony export */   zx: () => (/* binding */ InputNotCheckedError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(525);
/* harmony import */ var _outcome_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(671);
/* harmony import */ var _server_text_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(86);
/** What a run can fail with: its state, a start whose answer was lost, its input, what became of it. */



class RunStateError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    name = 'RunStateError';
    runId;
    status;
    problem;
    errMsg;
    waitedSeconds;
    requestId;
    constructor({ runId, status, problem, errMsg, waitedSeconds, requestId }) {
        super(problem === 'still-running'
            ? `run ${runId} is still ${status} after ${waitedSeconds} s`
            : `run ${runId} is ${status}, not succeeded${errMsg ? `: ${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(errMsg, 1024)}` : ''}; nothing was exported`);
        this.runId = runId;
        this.status = status;
        this.problem = problem;
        this.errMsg = errMsg;
        this.waitedSeconds = waitedSeconds;
        this.requestId = requestId;
    }
    advice(say) {
        if (this.problem === 'not-exportable') {
            return 'Only succeeded runs can be exported: check the run in the CoreClaw console, then re-run it.';
        }
        return this.waitedSeconds === 0
            ? `Set ${say.input('wait-timeout')} (seconds) to wait for the run to finish.`
            : `Raise ${say.input('wait-timeout')} above ${this.waitedSeconds} to wait longer, or export once the run has finished.`;
    }
}
/**
 * A start request whose fate is unknown: it was sent, and the answer was lost, cut, a timeout, a
 * 5xx or a gateway's page. A run may exist and be billed. Never retried: a retry could start a
 * second run.
 */
class StartUncertainError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    target;
    sentAt;
    cause;
    name = 'StartUncertainError';
    requestId;
    constructor(target, sentAt, cause) {
        super(`the start request for ${(0,_outcome_js__WEBPACK_IMPORTED_MODULE_2__/* .describeTarget */ .f)(target)}, sent at ${utc(sentAt)}, got no clear answer (${cause.message}); a run may have started`);
        this.target = target;
        this.sentAt = sentAt;
        this.cause = cause;
        this.requestId = cause.requestId;
    }
    advice(say) {
        const last = 'workerId' in this.target
            ? `${say.set('run-id', 'last')} with ${say.set('worker-id', this.target.workerId)}`
            : say.set('run-id', 'last');
        return `It was not retried, so that no second run starts. Look in the CoreClaw console for a run of ${(0,_outcome_js__WEBPACK_IMPORTED_MODULE_2__/* .describeTarget */ .f)(this.target)} started at that time; to export it, use ${last}.`;
    }
}
function utc(date) {
    return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
/** The input does not match the worker's own input schema: nothing was started. */
class InputSchemaError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz {
    workerId;
    violations;
    name = 'InputSchemaError';
    static SHOWN = 20;
    constructor(input, workerId, violations) {
        const shown = violations
            .slice(0, InputSchemaError.SHOWN)
            .map(({ path, message }) => `${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(path || '/', 256)} ${(0,_server_text_js__WEBPACK_IMPORTED_MODULE_1__/* .forLog */ .Ig)(message, 256)}`);
        const more = violations.length - shown.length;
        super(input, `does not match the input schema of worker ${workerId} (${violations.length} ${violations.length === 1 ? 'problem' : 'problems'}): ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`, `input that the worker's schema allows (GET /api/v2/workers/${workerId}/input-schema); no run was started`);
        this.workerId = workerId;
        this.violations = violations;
    }
}
/**
 * A dry run whose input could not be checked against the worker's schema (the schema call failed
 * or never answered, or the schema can't be used): a dry run is a gate, and a gate that checked
 * nothing must not pass.
 */
class InputNotCheckedError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    workerId;
    why;
    requestId;
    name = 'InputNotCheckedError';
    constructor(workerId, 
    /** Why not, already escaped (worker-schema.ts). */
    why, requestId) {
        super(`the dry run could not check the input against worker ${workerId}'s input schema: ${why}; nothing was started`);
        this.workerId = workerId;
        this.why = why;
        this.requestId = requestId;
    }
    advice(say) {
        return `A dry run passes only when the input was checked: run the job again. A schema the action can't check (too large, too deep, asynchronous) never passes a dry run; a real run, without ${say.set('dry-run', 'true')}, starts unchecked, with a notice.`;
    }
}
/**
 * The step failed (`cause`) after starting a run that had not finished, and says what became of
 * that run: asked to abort (it will never finish), left running by `abort-on-stop: false`, or an
 * abort CoreClaw did not accept. The advice fits the run's fate.
 */
class StoppedRunError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    cause;
    runId;
    fate;
    name = 'StoppedRunError';
    requestId;
    constructor(cause, runId, fate) {
        const what = {
            aborted: `asked CoreClaw to abort run ${runId}, which this step started`,
            'left-running': `run ${runId} is still running: it was not aborted, as asked`,
            'abort-failed': `run ${runId}, which this step started, could not be aborted and may still be running`
        }[fate];
        super(`${cause.message}; ${what}`);
        this.cause = cause;
        this.runId = runId;
        this.fate = fate;
        this.requestId = cause.requestId;
    }
    advice(say) {
        if (this.fate === 'aborted') {
            const { cause } = this;
            if (cause instanceof RunStateError && cause.problem === 'still-running') {
                return `That run will never finish: to let a run take longer, raise ${say.input('wait-timeout')} above ${cause.waitedSeconds} and start a new one.`;
            }
            if (cause instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc)
                return `That run will never finish. ${cause.advice()}`;
            return `That run will never finish: fix the cause, then start a new run. ${cause.advice(say)}`;
        }
        const later = `export it once it has finished, with ${say.set('run-id', this.runId)}`;
        if (this.fate === 'left-running') {
            return `It runs (and bills) to its end, since ${say.set('abort-on-stop', 'false')}: ${later}.`;
        }
        return `Abort it in the CoreClaw console, or it runs (and bills) to its end; or ${later}.`;
    }
}
/** `last-succeeded` found no run that succeeded. */
class NoRunError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    workerId;
    name = 'NoRunError';
    constructor(workerId) {
        super(`no succeeded run${workerId ? ` of worker ${workerId}` : ''} among the latest 100 succeeded runs CoreClaw listed`);
        this.workerId = workerId;
    }
    advice(say) {
        return this.workerId
            ? `Check ${say.input('worker-id')}, and that a run of it has succeeded in the account the key belongs to.`
            : 'Check that a run has succeeded in the account the key belongs to.';
    }
}


/***/ }),

/***/ 86:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E$: () => (/* binding */ redact),
/* harmony export */   Gb: () => (/* binding */ requestIdOf),
/* harmony export */   Ig: () => (/* binding */ forLog),
/* harmony export */   aG: () => (/* binding */ wordOf),
/* harmony export */   b6: () => (/* binding */ textOf),
/* harmony export */   gz: () => (/* binding */ keepSecret),
/* harmony export */   n2: () => (/* binding */ downloadUrlOf),
/* harmony export */   nR: () => (/* binding */ timeOf),
/* harmony export */   o_: () => (/* binding */ jsonOf),
/* harmony export */   pq: () => (/* binding */ countOf)
/* harmony export */ });
/* unused harmony exports SECRET_PREFIX_CHARS, LOG_CAP, forCell */
/**
 * Text that came from a server (CoreClaw's API, a gateway, the storage host, a scraped page in a
 * run's log) is data, never markup or commands. It reaches people through exactly these functions:
 * - `forLog`: one line, no control characters, at most 4 KiB with the length said when cut, and
 *   never a workflow command under either of the runner's syntaxes (see `inert`);
 * - `forCell`: a Markdown table cell that shows exactly its text: no formatting, links, images,
 *   HTML, mentions or references, and no cell breaks;
 * - `jsonOf`: a value as JSON text, however deep or large, never throwing;
 * and fields are checked by type and shape before anything uses them (`requestIdOf`, ...).
 * Every one of them first replaces every secret (`keepSecret`: the API key, a download link's
 * signature) with `***`, in the whole text, and only then cuts and escapes: the runner masks only
 * the literal, whole text, so a key cut in two (`sk-SECRET\u2026`) or escaped (`sk&#45;\u2026` in the
 * summary) would show. Both escape the invisible characters that can disguise text (bidirectional
 * controls, zero-width space, word joiners, the BOM) visibly, so `\u202Egnp.exe` can't pass for
 * another name; ZWJ and ZWNJ, which emoji and scripts such as Persian and Hindi need, stay as they are.
 */
/**
 * The secrets, longest first (one secret may contain another), each with its pattern across line
 * breaks: made once, when a secret is kept, not for every line of server text.
 */
const secrets = [];
/** Never shown again, on any surface: the text is replaced with `***` wherever server text holds it. */
function keepSecret(value) {
    // Shorter than this could match ordinary words; the runner's own mask covers the log anyway.
    if (value.length < 6 || secrets.some(secret => secret.value === value))
        return;
    secrets.push({ value, brokenAcrossLines: acrossLineBreaks(value) });
    secrets.sort((a, b) => b.value.length - a.value.length);
}
/**
 * A secret's start that a server echoes cut short (a message capped at some length) still gives
 * most of it away, and the runner's mask matches only the whole value: a run of this many of a
 * secret's leading characters, or more, is replaced too.
 */
const SECRET_PREFIX_CHARS = 8;
/**
 * The text with every secret replaced by `***`: each whole secret, longest first, also where
 * line breaks split it (a log entry is printed line by line, and each
 * piece alone is not what the runner masks); then each run of a secret's first
 * SECRET_PREFIX_CHARS characters or more.
 */
function redact(text) {
    let out = text;
    for (const { value, brokenAcrossLines } of secrets) {
        out = out.split(value).join('***');
        if (/[\r\n]/.test(out))
            out = out.replace(brokenAcrossLines, '***');
    }
    for (const { value: secret } of secrets) {
        if (secret.length <= SECRET_PREFIX_CHARS)
            continue;
        const head = secret.slice(0, SECRET_PREFIX_CHARS);
        // Pieces, joined once: a text that repeats the head a million times stays linear.
        const pieces = [];
        let from = 0;
        for (let at = out.indexOf(head); at >= 0; at = out.indexOf(head, from)) {
            let end = at + SECRET_PREFIX_CHARS;
            while (end < out.length && end - at < secret.length && out[end] === secret[end - at])
                end++;
            pieces.push(out.slice(from, at), '***');
            from = end;
        }
        if (pieces.length > 0)
            out = pieces.join('') + out.slice(from);
    }
    return out;
}
/** The secret, with line breaks allowed between its characters. */
function acrossLineBreaks(secret) {
    const chars = [...secret].map(char => char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
    return new RegExp(chars.join('(?:\\r\\n|\\r|\\n)*'), 'g');
}
/** No server time is shown or used from before this: CoreClaw did not exist, and 1.5 is no date. */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
/** Clocks disagree, but not by more than this: a later time is not believed. */
const LATEST_AHEAD_MS = 24 * 60 * 60 * 1000;
/**
 * A server's time as milliseconds since the epoch, `value` counted in units of `unitMs` (1000 for
 * unix seconds), or undefined unless it is a plausible time: no earlier than 2000 and no later
 * than a day past `nowMs`. A real Date alone is not enough: 8.64e15 ms is one (the year 275760)
 * and shows as "13T00:00", and 1.5 ms is one (1970) and shows as "00:00:00".
 */
function timeOf(value, unitMs, nowMs = Date.now()) {
    if (typeof value !== 'number' || !Number.isFinite(value))
        return undefined;
    const ms = value * unitMs;
    return ms >= EARLIEST_MS && ms <= nowMs + LATEST_AHEAD_MS ? ms : undefined;
}
/** No log line carries more server text than this. */
const LOG_CAP = 4096;
/** One line of log text, inert to the runner. `cap` counts characters of the server's text. */
function forLog(raw, cap = LOG_CAP) {
    const text = redact(raw);
    const cut = text.length > cap ? `${text.slice(0, cap)}\u2026 (${text.length - cap} more characters)` : text;
    const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, visible).replace(INVISIBLE, visible);
    return inert(escaped);
}
/**
 * The runner reads every line a step prints for commands, in two syntaxes (actions/runner,
 * src/Runner.Common/ActionCommand.cs, called from src/Runner.Worker/Handlers/OutputManager.cs):
 * - `::name args::data`, once the line's leading white space is trimmed (`TryParseV2`);
 * - `##[name args]data` *anywhere* in the line (`TryParse`, by IndexOf).
 * Escaped like this, a line has no line break left; a backslash goes before a `::` that starts it
 * (after any white space .NET's TrimStart removes), before every `[` that follows a `#`, and
 * before a `#` that ends the text, so no `##[` remains, not even where this text meets the next.
 * A command needs the exact `::` or `##[`, so the line shows what the server sent, and commands nothing.
 */
function inert(line) {
    return line
        .replace(/^([\s\u0085]*)::/, '$1\\::')
        .replace(/#\[/g, '#\\[')
        .replace(/#$/, '\\#');
}
function visible(char) {
    if (char === '\n')
        return '\\n';
    if (char === '\r')
        return '\\r';
    if (char === '\t')
        return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
/**
 * Invisible, and able to disguise text: bidirectional marks, overrides and isolates (and Arabic's
 * letter mark), the zero-width space, the word joiner and invisible operators, and the BOM.
 * Not ZWNJ and ZWJ (U+200C, U+200D): emoji sequences and several scripts are written with them.
 */
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/**
 * A Markdown table cell that shows exactly its text, on one line, at most `cap` characters. Every
 * ASCII punctuation character, the ones Markdown could read as syntax (`*`, `_`, `[`, `!`, `\\`,
 * `|`, `<`, \u2026), becomes a numeric character reference, which GFM shows as the character and never
 * as syntax. Two things act on the text after that: GFM's extended autolinks make `a@-b.io` a
 * mailto link, and GitHub links `@name` and `#123`. A word joiner (U+2060, invisible, and no place
 * for a line break) after every `@`, and after `#` before a word, defeats both.
 */
function forCell(raw, cap = 200) {
    const text = redact(raw);
    const cut = text.length > cap ? `${text.slice(0, cap)}\u2026` : text;
    return cut
        .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
        .replace(/[\u0000-\u001f\u007f]/g, ' ')
        .replace(INVISIBLE, visible)
        .replace(/[!-/:-@[-`{-~]/g, char => `&#${char.charCodeAt(0)};`)
        .replace(/&#64;/g, '&#64;\u2060')
        .replace(/&#35;(?=[\p{L}\p{N}_])/gu, '&#35;\u2060');
}
/**
 * A value as JSON text for a message: nesting past `depth` and text past `cap` are cut, and it
 * never throws. Secrets are replaced before the cut, so none is shown in part.
 */
function jsonOf(value, cap = 1024, depth = 8) {
    const limited = (item, level) => {
        if (typeof item === 'string')
            return redact(item);
        if (item === null || typeof item !== 'object')
            return item;
        if (level >= depth)
            return Array.isArray(item) ? '[\u2026]' : '{\u2026}';
        if (Array.isArray(item))
            return item.slice(0, 50).map(entry => limited(entry, level + 1));
        return Object.fromEntries(Object.entries(item)
            .slice(0, 50)
            .map(([key, entry]) => [redact(key), limited(entry, level + 1)]));
    };
    let text;
    try {
        text = redact(JSON.stringify(limited(value, 0)) ?? String(value));
    }
    catch {
        text = '(not representable)';
    }
    return text.length > cap ? `${text.slice(0, cap)}\u2026` : text;
}
/**
 * A request id we can show and output: short, and made of characters ids are made of. One that
 * holds a secret (a server that echoes the key as its request id) has it replaced: the id goes to
 * an output, which a later step may send anywhere.
 */
function requestIdOf(value) {
    return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/.test(value) ? redact(value) : undefined;
}
/** A count: a non-negative whole number, or unknown. */
function countOf(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
/** A short word such as a run status: lowercase letters and '_' only. */
function wordOf(value) {
    return typeof value === 'string' && /^[A-Za-z_]{1,32}$/.test(value) ? value.toLowerCase() : undefined;
}
/** A free-text field (a message, err_msg): a string, or nothing. Escaping is forLog's job. */
function textOf(value) {
    return typeof value === 'string' && value.length > 0 ? value : undefined;
}
/** A signed download link: an http(s) URL of sane length with no spaces or control characters. */
function downloadUrlOf(value) {
    if (typeof value !== 'string' || value.length > 16_384 || !/^https?:\/\/[^\s\u0000-\u001f\u007f]+$/.test(value)) {
        return undefined;
    }
    return URL.canParse(value) ? value : undefined;
}


/***/ }),

/***/ 13:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  _: () => (/* binding */ USER_AGENT),
  x: () => (/* binding */ VERSION)
});

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"1.4.0"};
;// CONCATENATED MODULE: ./src/version.ts
/**
 * The version lives in package.json alone; the bundle inlines it (ncc bundles the JSON import, and
 * only `version` of it is used).
 */

const VERSION = package_namespaceObject.rE;
const USER_AGENT = `coreclaw-export-action/${VERSION} node/${process.versions.node}`;


/***/ }),

/***/ 950:
/***/ (function (__unused_webpack_module, __webpack_exports__, __nccwpck_require__) {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Uf: () => (/* binding */ resolveRun),
/* harmony export */   lB: () => (/* binding */ LAST_SUCCEEDED),
/* harmony export */   xo: () => (/* binding */ LAST)
/* harmony export */ });
/* harmony import */ var _coreclaw_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(479);
/* harmony import */ var _coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(986);
/* harmony import */ var _coreclaw_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(351);
/* harmony import */ var _run_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(172);
/**
 * `run-id: last` and `run-id: last-succeeded`, pinned to one slug before anything else happens:
 * "last" moves as runs start, and waiting, exporting and the file name must all speak of one run.
 */




/** `last` and `last-succeeded` are resolved to a concrete slug before anything else is done with them. */
const LAST = 'last';
const LAST_SUCCEEDED = 'last-succeeded';
async function resolveRun(client, word, workerId, log) {
    const of = workerId ? ` of worker ${workerId}` : '';
    if (word === LAST) {
        const { data, requestId, status } = await client.getLastRun(workerId);
        const slug = data.slug;
        if (slug === undefined || !(0,_coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_1__/* .isRunSlug */ .XL)(slug)) {
            throw new _coreclaw_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .CoreClawError */ .B({
                operation: 'latest run request',
                status,
                appCode: 0,
                requestId,
                problem: 'the answer has no valid run slug'
            });
        }
        log.info(`run-id 'last'${of} is run ${slug}.`);
        return slug;
    }
    // last-succeeded: the list's order is undocumented, so the newest is chosen by its own times. The
    // server was asked for this worker's succeeded runs; each run's own worker is checked all the same.
    const { data: runs } = await client.listSucceededRuns(workerId);
    const newest = runs
        .filter(run => (0,_coreclaw_contract_js__WEBPACK_IMPORTED_MODULE_1__/* .isRunSlug */ .XL)(run.slug) && (!workerId || (0,_coreclaw_js__WEBPACK_IMPORTED_MODULE_0__/* .sameWorker */ .l)(run.worker, workerId)))
        .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || (b.startedAt ?? 0) - (a.startedAt ?? 0))[0];
    if (!newest)
        throw new _run_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .NoRunError */ .Nt(workerId);
    const when = newest.finishedAt ? `, finished ${new Date(newest.finishedAt).toISOString().replace('.000Z', 'Z')}` : '';
    log.info(`run-id 'last-succeeded'${of} is run ${newest.slug}${when}.`);
    return newest.slug;
}


/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 313:
/***/ (function (__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Qq: () => (/* binding */ HttpClient),
  s_: () => (/* binding */ lib_getProxyUrl)
});

// UNUSED EXPORTS: Headers, HttpClientError, HttpClientResponse, HttpCodes, MediaTypes, isHttps

// EXTERNAL MODULE: external "http"
var external_http_ = __nccwpck_require__(611);
var external_http_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_http_, 2);
// EXTERNAL MODULE: external "https"
var external_https_ = __nccwpck_require__(692);
var external_https_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_https_, 2);
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
// EXTERNAL MODULE: ./node_modules/tunnel/index.js
var tunnel = __nccwpck_require__(770);
;// CONCATENATED MODULE: ./stubs/undici/index.js
// A stand-in for undici, through package.json's "overrides". @actions/http-client imports undici's
// ProxyAgent at the top level for getAgentDispatcher(), which this action never calls (it uses
// HttpClient and its tunnel agent for proxies). The real undici is most of the bundle and cost every
// step its parse time (actions/toolkit#1621, #1697). If anything ever does construct it, it says so.
class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is not bundled with this action: @actions/http-client getAgentDispatcher() is not supported'
    )
  }
}

;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/index.js
/* eslint-disable @typescript-eslint/no-explicit-any */
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};





var HttpCodes;
(function (HttpCodes) {
    HttpCodes[HttpCodes["OK"] = 200] = "OK";
    HttpCodes[HttpCodes["MultipleChoices"] = 300] = "MultipleChoices";
    HttpCodes[HttpCodes["MovedPermanently"] = 301] = "MovedPermanently";
    HttpCodes[HttpCodes["ResourceMoved"] = 302] = "ResourceMoved";
    HttpCodes[HttpCodes["SeeOther"] = 303] = "SeeOther";
    HttpCodes[HttpCodes["NotModified"] = 304] = "NotModified";
    HttpCodes[HttpCodes["UseProxy"] = 305] = "UseProxy";
    HttpCodes[HttpCodes["SwitchProxy"] = 306] = "SwitchProxy";
    HttpCodes[HttpCodes["TemporaryRedirect"] = 307] = "TemporaryRedirect";
    HttpCodes[HttpCodes["PermanentRedirect"] = 308] = "PermanentRedirect";
    HttpCodes[HttpCodes["BadRequest"] = 400] = "BadRequest";
    HttpCodes[HttpCodes["Unauthorized"] = 401] = "Unauthorized";
    HttpCodes[HttpCodes["PaymentRequired"] = 402] = "PaymentRequired";
    HttpCodes[HttpCodes["Forbidden"] = 403] = "Forbidden";
    HttpCodes[HttpCodes["NotFound"] = 404] = "NotFound";
    HttpCodes[HttpCodes["MethodNotAllowed"] = 405] = "MethodNotAllowed";
    HttpCodes[HttpCodes["NotAcceptable"] = 406] = "NotAcceptable";
    HttpCodes[HttpCodes["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
    HttpCodes[HttpCodes["RequestTimeout"] = 408] = "RequestTimeout";
    HttpCodes[HttpCodes["Conflict"] = 409] = "Conflict";
    HttpCodes[HttpCodes["Gone"] = 410] = "Gone";
    HttpCodes[HttpCodes["TooManyRequests"] = 429] = "TooManyRequests";
    HttpCodes[HttpCodes["InternalServerError"] = 500] = "InternalServerError";
    HttpCodes[HttpCodes["NotImplemented"] = 501] = "NotImplemented";
    HttpCodes[HttpCodes["BadGateway"] = 502] = "BadGateway";
    HttpCodes[HttpCodes["ServiceUnavailable"] = 503] = "ServiceUnavailable";
    HttpCodes[HttpCodes["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function (Headers) {
    Headers["Accept"] = "accept";
    Headers["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function (MediaTypes) {
    MediaTypes["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
/**
 * Returns the proxy URL, depending upon the supplied url and proxy environment variables.
 * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
 */
function lib_getProxyUrl(serverUrl) {
    const proxyUrl = getProxyUrl(new URL(serverUrl));
    return proxyUrl ? proxyUrl.href : '';
}
const HttpRedirectCodes = [
    HttpCodes.MovedPermanently,
    HttpCodes.ResourceMoved,
    HttpCodes.SeeOther,
    HttpCodes.TemporaryRedirect,
    HttpCodes.PermanentRedirect
];
const HttpResponseRetryCodes = [
    HttpCodes.BadGateway,
    HttpCodes.ServiceUnavailable,
    HttpCodes.GatewayTimeout
];
const RetryableHttpVerbs = ['OPTIONS', 'GET', 'DELETE', 'HEAD'];
const ExponentialBackoffCeiling = 10;
const ExponentialBackoffTimeSlice = 5;
class HttpClientError extends Error {
    constructor(message, statusCode) {
        super(message);
        this.name = 'HttpClientError';
        this.statusCode = statusCode;
        Object.setPrototypeOf(this, HttpClientError.prototype);
    }
}
class HttpClientResponse {
    constructor(message) {
        this.message = message;
    }
    readBody() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                let output = Buffer.alloc(0);
                this.message.on('data', (chunk) => {
                    output = Buffer.concat([output, chunk]);
                });
                this.message.on('end', () => {
                    resolve(output.toString());
                });
            }));
        });
    }
    readBodyBuffer() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                const chunks = [];
                this.message.on('data', (chunk) => {
                    chunks.push(chunk);
                });
                this.message.on('end', () => {
                    resolve(Buffer.concat(chunks));
                });
            }));
        });
    }
}
function isHttps(requestUrl) {
    const parsedUrl = new URL(requestUrl);
    return parsedUrl.protocol === 'https:';
}
class HttpClient {
    constructor(userAgent, handlers, requestOptions) {
        this._ignoreSslError = false;
        this._allowRedirects = true;
        this._allowRedirectDowngrade = false;
        this._maxRedirects = 50;
        this._allowRetries = false;
        this._maxRetries = 1;
        this._keepAlive = false;
        this._disposed = false;
        this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
        this.handlers = handlers || [];
        this.requestOptions = requestOptions;
        if (requestOptions) {
            if (requestOptions.ignoreSslError != null) {
                this._ignoreSslError = requestOptions.ignoreSslError;
            }
            this._socketTimeout = requestOptions.socketTimeout;
            if (requestOptions.allowRedirects != null) {
                this._allowRedirects = requestOptions.allowRedirects;
            }
            if (requestOptions.allowRedirectDowngrade != null) {
                this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
            }
            if (requestOptions.maxRedirects != null) {
                this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
            }
            if (requestOptions.keepAlive != null) {
                this._keepAlive = requestOptions.keepAlive;
            }
            if (requestOptions.allowRetries != null) {
                this._allowRetries = requestOptions.allowRetries;
            }
            if (requestOptions.maxRetries != null) {
                this._maxRetries = requestOptions.maxRetries;
            }
        }
    }
    options(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('OPTIONS', requestUrl, null, additionalHeaders || {});
        });
    }
    get(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('GET', requestUrl, null, additionalHeaders || {});
        });
    }
    del(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('DELETE', requestUrl, null, additionalHeaders || {});
        });
    }
    post(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('POST', requestUrl, data, additionalHeaders || {});
        });
    }
    patch(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PATCH', requestUrl, data, additionalHeaders || {});
        });
    }
    put(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PUT', requestUrl, data, additionalHeaders || {});
        });
    }
    head(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('HEAD', requestUrl, null, additionalHeaders || {});
        });
    }
    sendStream(verb, requestUrl, stream, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request(verb, requestUrl, stream, additionalHeaders);
        });
    }
    /**
     * Gets a typed object from an endpoint
     * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
     */
    getJson(requestUrl_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            const res = yield this.get(requestUrl, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    postJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.post(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    putJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.put(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    patchJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.patch(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    /**
     * Makes a raw http request.
     * All other methods such as get, post, patch, and request ultimately call this.
     * Prefer get, del, post and patch
     */
    request(verb, requestUrl, data, headers) {
        return __awaiter(this, void 0, void 0, function* () {
            if (this._disposed) {
                throw new Error('Client has already been disposed.');
            }
            const parsedUrl = new URL(requestUrl);
            let info = this._prepareRequest(verb, parsedUrl, headers);
            // Only perform retries on reads since writes may not be idempotent.
            const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb)
                ? this._maxRetries + 1
                : 1;
            let numTries = 0;
            let response;
            do {
                response = yield this.requestRaw(info, data);
                // Check if it's an authentication challenge
                if (response &&
                    response.message &&
                    response.message.statusCode === HttpCodes.Unauthorized) {
                    let authenticationHandler;
                    for (const handler of this.handlers) {
                        if (handler.canHandleAuthentication(response)) {
                            authenticationHandler = handler;
                            break;
                        }
                    }
                    if (authenticationHandler) {
                        return authenticationHandler.handleAuthentication(this, info, data);
                    }
                    else {
                        // We have received an unauthorized response but have no handlers to handle it.
                        // Let the response return to the caller.
                        return response;
                    }
                }
                let redirectsRemaining = this._maxRedirects;
                while (response.message.statusCode &&
                    HttpRedirectCodes.includes(response.message.statusCode) &&
                    this._allowRedirects &&
                    redirectsRemaining > 0) {
                    const redirectUrl = response.message.headers['location'];
                    if (!redirectUrl) {
                        // if there's no location to redirect to, we won't
                        break;
                    }
                    const parsedRedirectUrl = new URL(redirectUrl);
                    if (parsedUrl.protocol === 'https:' &&
                        parsedUrl.protocol !== parsedRedirectUrl.protocol &&
                        !this._allowRedirectDowngrade) {
                        throw new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.');
                    }
                    // we need to finish reading the response before reassigning response
                    // which will leak the open socket.
                    yield response.readBody();
                    // strip authorization header if redirected to a different hostname
                    if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
                        for (const header in headers) {
                            // header names are case insensitive
                            if (header.toLowerCase() === 'authorization') {
                                delete headers[header];
                            }
                        }
                    }
                    // let's make the request with the new redirectUrl
                    info = this._prepareRequest(verb, parsedRedirectUrl, headers);
                    response = yield this.requestRaw(info, data);
                    redirectsRemaining--;
                }
                if (!response.message.statusCode ||
                    !HttpResponseRetryCodes.includes(response.message.statusCode)) {
                    // If not a retry code, return immediately instead of retrying
                    return response;
                }
                numTries += 1;
                if (numTries < maxTries) {
                    yield response.readBody();
                    yield this._performExponentialBackoff(numTries);
                }
            } while (numTries < maxTries);
            return response;
        });
    }
    /**
     * Needs to be called if keepAlive is set to true in request options.
     */
    dispose() {
        if (this._agent) {
            this._agent.destroy();
        }
        this._disposed = true;
    }
    /**
     * Raw request.
     * @param info
     * @param data
     */
    requestRaw(info, data) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => {
                function callbackForResult(err, res) {
                    if (err) {
                        reject(err);
                    }
                    else if (!res) {
                        // If `err` is not passed, then `res` must be passed.
                        reject(new Error('Unknown error'));
                    }
                    else {
                        resolve(res);
                    }
                }
                this.requestRawWithCallback(info, data, callbackForResult);
            });
        });
    }
    /**
     * Raw request with callback.
     * @param info
     * @param data
     * @param onResult
     */
    requestRawWithCallback(info, data, onResult) {
        if (typeof data === 'string') {
            if (!info.options.headers) {
                info.options.headers = {};
            }
            info.options.headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
        }
        let callbackCalled = false;
        function handleResult(err, res) {
            if (!callbackCalled) {
                callbackCalled = true;
                onResult(err, res);
            }
        }
        const req = info.httpModule.request(info.options, (msg) => {
            const res = new HttpClientResponse(msg);
            handleResult(undefined, res);
        });
        let socket;
        req.on('socket', sock => {
            socket = sock;
        });
        // If we ever get disconnected, we want the socket to timeout eventually
        req.setTimeout(this._socketTimeout || 3 * 60000, () => {
            if (socket) {
                socket.end();
            }
            handleResult(new Error(`Request timeout: ${info.options.path}`));
        });
        req.on('error', function (err) {
            // err has statusCode property
            // res should have headers
            handleResult(err);
        });
        if (data && typeof data === 'string') {
            req.write(data, 'utf8');
        }
        if (data && typeof data !== 'string') {
            data.on('close', function () {
                req.end();
            });
            data.pipe(req);
        }
        else {
            req.end();
        }
    }
    /**
     * Gets an http agent. This function is useful when you need an http agent that handles
     * routing through a proxy server - depending upon the url and proxy environment variables.
     * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
     */
    getAgent(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        return this._getAgent(parsedUrl);
    }
    getAgentDispatcher(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (!useProxy) {
            return;
        }
        return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
    }
    _prepareRequest(method, requestUrl, headers) {
        const info = {};
        info.parsedUrl = requestUrl;
        const usingSsl = info.parsedUrl.protocol === 'https:';
        info.httpModule = usingSsl ? external_https_namespaceObject : external_http_namespaceObject;
        const defaultPort = usingSsl ? 443 : 80;
        info.options = {};
        info.options.host = info.parsedUrl.hostname;
        info.options.port = info.parsedUrl.port
            ? parseInt(info.parsedUrl.port)
            : defaultPort;
        info.options.path =
            (info.parsedUrl.pathname || '') + (info.parsedUrl.search || '');
        info.options.method = method;
        info.options.headers = this._mergeHeaders(headers);
        if (this.userAgent != null) {
            info.options.headers['user-agent'] = this.userAgent;
        }
        info.options.agent = this._getAgent(info.parsedUrl);
        // gives handlers an opportunity to participate
        if (this.handlers) {
            for (const handler of this.handlers) {
                handler.prepareRequest(info.options);
            }
        }
        return info;
    }
    _mergeHeaders(headers) {
        if (this.requestOptions && this.requestOptions.headers) {
            return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
        }
        return lowercaseKeys(headers || {});
    }
    /**
     * Gets an existing header value or returns a default.
     * Handles converting number header values to strings since HTTP headers must be strings.
     * Note: This returns string | string[] since some headers can have multiple values.
     * For headers that must always be a single string (like Content-Type), use the
     * specialized _getExistingOrDefaultContentTypeHeader method instead.
     */
    _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
            if (headerValue) {
                clientHeader =
                    typeof headerValue === 'number' ? headerValue.toString() : headerValue;
            }
        }
        const additionalValue = additionalHeaders[header];
        if (additionalValue !== undefined) {
            return typeof additionalValue === 'number'
                ? additionalValue.toString()
                : additionalValue;
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    /**
     * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
     * Always returns a single string (not an array) since Content-Type should be a single value.
     * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
     * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
     * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
     */
    _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
            if (headerValue) {
                if (typeof headerValue === 'number') {
                    clientHeader = String(headerValue);
                }
                else if (Array.isArray(headerValue)) {
                    clientHeader = headerValue.join(', ');
                }
                else {
                    clientHeader = headerValue;
                }
            }
        }
        const additionalValue = additionalHeaders[Headers.ContentType];
        // Return the first non-undefined value, converting numbers or arrays to strings if necessary
        if (additionalValue !== undefined) {
            if (typeof additionalValue === 'number') {
                return String(additionalValue);
            }
            else if (Array.isArray(additionalValue)) {
                return additionalValue.join(', ');
            }
            else {
                return additionalValue;
            }
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    _getAgent(parsedUrl) {
        let agent;
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (this._keepAlive && useProxy) {
            agent = this._proxyAgent;
        }
        if (!useProxy) {
            agent = this._agent;
        }
        // if agent is already assigned use that agent.
        if (agent) {
            return agent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        let maxSockets = 100;
        if (this.requestOptions) {
            maxSockets = this.requestOptions.maxSockets || external_http_.globalAgent.maxSockets;
        }
        // This is `useProxy` again, but we need to check `proxyURl` directly for TypeScripts's flow analysis.
        if (proxyUrl && proxyUrl.hostname) {
            const agentOptions = {
                maxSockets,
                keepAlive: this._keepAlive,
                proxy: Object.assign(Object.assign({}, ((proxyUrl.username || proxyUrl.password) && {
                    proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
                })), { host: proxyUrl.hostname, port: proxyUrl.port })
            };
            let tunnelAgent;
            const overHttps = proxyUrl.protocol === 'https:';
            if (usingSsl) {
                tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
            }
            else {
                tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
            }
            agent = tunnelAgent(agentOptions);
            this._proxyAgent = agent;
        }
        // if tunneling agent isn't assigned create a new agent
        if (!agent) {
            const options = { keepAlive: this._keepAlive, maxSockets };
            agent = usingSsl ? new external_https_.Agent(options) : new external_http_.Agent(options);
            this._agent = agent;
        }
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            agent.options = Object.assign(agent.options || {}, {
                rejectUnauthorized: false
            });
        }
        return agent;
    }
    _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
        let proxyAgent;
        if (this._keepAlive) {
            proxyAgent = this._proxyAgentDispatcher;
        }
        // if agent is already assigned use that agent.
        if (proxyAgent) {
            return proxyAgent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        proxyAgent = new ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, ((proxyUrl.username || proxyUrl.password) && {
            token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString('base64')}`
        })));
        this._proxyAgentDispatcher = proxyAgent;
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
                rejectUnauthorized: false
            });
        }
        return proxyAgent;
    }
    _getUserAgentWithOrchestrationId(userAgent) {
        const baseUserAgent = userAgent || 'actions/http-client';
        const orchId = process.env['ACTIONS_ORCHESTRATION_ID'];
        if (orchId) {
            // Sanitize the orchestration ID to ensure it contains only valid characters
            // Valid characters: 0-9, a-z, _, -, .
            const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, '_');
            return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
        }
        return baseUserAgent;
    }
    _performExponentialBackoff(retryNumber) {
        return __awaiter(this, void 0, void 0, function* () {
            retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
            const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
            return new Promise(resolve => setTimeout(() => resolve(), ms));
        });
    }
    _processResponse(res, options) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                const statusCode = res.message.statusCode || 0;
                const response = {
                    statusCode,
                    result: null,
                    headers: {}
                };
                // not found leads to null obj returned
                if (statusCode === HttpCodes.NotFound) {
                    resolve(response);
                }
                // get the result from the body
                function dateTimeDeserializer(key, value) {
                    if (typeof value === 'string') {
                        const a = new Date(value);
                        if (!isNaN(a.valueOf())) {
                            return a;
                        }
                    }
                    return value;
                }
                let obj;
                let contents;
                try {
                    contents = yield res.readBody();
                    if (contents && contents.length > 0) {
                        if (options && options.deserializeDates) {
                            obj = JSON.parse(contents, dateTimeDeserializer);
                        }
                        else {
                            obj = JSON.parse(contents);
                        }
                        response.result = obj;
                    }
                    response.headers = res.message.headers;
                }
                catch (err) {
                    // Invalid resource (contents not json);  leaving result obj null
                }
                // note that 3xx redirects are handled by the http layer.
                if (statusCode > 299) {
                    let msg;
                    // if exception/error in body, attempt to get better error
                    if (obj && obj.message) {
                        msg = obj.message;
                    }
                    else if (contents && contents.length > 0) {
                        // it may be the case that the exception is in the body message as string
                        msg = contents;
                    }
                    else {
                        msg = `Failed request: (${statusCode})`;
                    }
                    const err = new HttpClientError(msg, statusCode);
                    err.result = response.result;
                    reject(err);
                }
                else {
                    resolve(response);
                }
            }));
        });
    }
}
const lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => ((c[k.toLowerCase()] = obj[k]), c), {});
//# sourceMappingURL=index.js.map

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
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
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
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
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
