import { InputError } from '../src/errors.js'
import { DEFAULTS, parseFieldNames, parseInputs, type InputName } from '../src/inputs.js'

const valid: Partial<Record<InputName, string>> = { 'run-id': '01KKDXV2G26BT7NH4ZQR2R4NPZ', 'api-key': 'cc_key' }
const parse = (given: Partial<Record<InputName, string>>) => parseInputs(name => given[name] ?? '')

function rejects(given: Partial<Record<InputName, string>>, input: InputName, accepted: RegExp): void {
  let error: unknown
  try {
    parse(given)
  } catch (thrown) {
    error = thrown
  }
  expect(error).toBeInstanceOf(InputError)
  expect((error as InputError).input).toBe(input)
  expect((error as InputError).message).toContain(`'${input}'`)
  // What the annotation says: what is wrong, then what to set.
  expect(`${(error as InputError).message}. ${(error as InputError).hint}`).toMatch(accepted)
}

describe('inputs', () => {
  test('defaults match the action.yml defaults', () => {
    const inputs = parse(valid)
    expect(inputs).toMatchObject({
      format: 'csv',
      filterKeys: [],
      path: '',
      overwrite: true,
      authMethod: 'bearer',
      maxAttempts: 5,
      timeoutSeconds: 60,
      waitTimeoutSeconds: 600
    })
    expect(inputs.baseUrl.href).toBe('https://openapi.coreclaw.com/')
    expect(DEFAULTS['base-url']).toBe('https://openapi.coreclaw.com')
  })

  test.each(['csv', 'json', 'jsonl', 'xlsx', 'xls', 'xml', 'html', 'rss'])(
    'format %s is accepted in any case and kept lowercase',
    format => {
      expect(parse({ ...valid, format: format.toUpperCase() }).format).toBe(format)
    }
  )

  test('a wrong format names the input and what is accepted', () => {
    rejects({ ...valid, format: 'ndjson' }, 'format', /csv, json, jsonl, xlsx, xls, xml, html, rss/)
  })

  test('a missing key or run id fails', () => {
    rejects({ 'run-id': 'abc' }, 'api-key', /API key/)
    rejects({ 'api-key': 'k' }, 'run-id', /run slug/)
  })

  test('run ids that are not slugs fail, so they can never escape the folder as a file name', () => {
    rejects({ ...valid, 'run-id': '../../etc/passwd' }, 'run-id', /letters, digits/)
    rejects({ ...valid, 'run-id': 'a b' }, 'run-id', /letters, digits/)
  })

  test('run-id last is recognised in any case', () => {
    expect(parse({ ...valid, 'run-id': 'LAST' }).runId).toBe('last')
  })

  test.each([
    ['bearer', 'bearer'],
    ['Header', 'header'],
    ['QUERY', 'query']
  ])('auth-method %s', (given, expected) => {
    expect(parse({ ...valid, 'auth-method': given }).authMethod).toBe(expected)
  })

  test('an unknown auth method fails', () => {
    rejects({ ...valid, 'auth-method': 'basic' }, 'auth-method', /bearer, header, query/)
  })

  test.each(['ftp://example.com', 'not a url', 'https://x.test/?a=1', 'https://user:pw@x.test'])(
    'base-url %s fails',
    url => {
      rejects({ ...valid, 'base-url': url }, 'base-url', /http\(s\) URL/)
    }
  )

  test.each([
    ['https://api.example.com/', 'https://api.example.com/'],
    ['https://api.example.com/coreclaw/', 'https://api.example.com/coreclaw'],
    ['http://127.0.0.1:8080/api/v2', 'http://127.0.0.1:8080/']
  ])('base-url %s is normalised', (given, expected) => {
    expect(parse({ ...valid, 'base-url': given }).baseUrl.href).toBe(expected)
  })

  test('overwrite takes YAML booleans only', () => {
    expect(parse({ ...valid, overwrite: 'False' }).overwrite).toBe(false)
    rejects({ ...valid, overwrite: 'no' }, 'overwrite', /true or false/)
  })

  test.each([
    ['max-attempts', '0', /whole number from 1 to 100/],
    ['max-attempts', '2.5', /whole number/],
    ['timeout', '-1', /number of seconds/],
    ['timeout', 'soon', /number of seconds/],
    ['wait-timeout', '1e9', /number of seconds/]
  ] as const)('%s %s fails', (input, value, accepted) => {
    rejects({ ...valid, [input]: value }, input, accepted)
  })

  test('numbers are parsed', () => {
    const inputs = parse({ ...valid, 'max-attempts': '3', timeout: '1.5', 'wait-timeout': '0' })
    expect([inputs.maxAttempts, inputs.timeoutSeconds, inputs.waitTimeoutSeconds]).toEqual([3, 1.5, 0])
  })

  test('worker-id is owner/name or a worker slug', () => {
    expect(parse({ ...valid, 'run-id': 'last', 'worker-id': 'coreclaw/maps' }).workerId).toBe('coreclaw/maps')
    expect(parse({ ...valid, 'run-id': 'last', 'worker-id': 'google-maps-scraper' }).workerId).toBe(
      'google-maps-scraper'
    )
    rejects({ ...valid, 'worker-id': 'coreclaw/maps/v2' }, 'worker-id', /owner\/name/)
    rejects({ ...valid, 'worker-id': '../maps' }, 'worker-id', /owner\/name/)
  })

  test('a key spanning lines fails, since it could not be masked', () => {
    rejects({ ...valid, 'api-key': 'abc\ndef' }, 'api-key', /single-line/)
  })
})

describe('filter-keys', () => {
  test('commas and newlines separate; trimmed, empties dropped, duplicates removed, order kept', () => {
    expect(parseFieldNames(' title, address\n\nrating ,title,, \r\nphone\n')).toEqual([
      'title',
      'address',
      'rating',
      'phone'
    ])
  })
  test('empty means none', () => {
    expect(parseFieldNames('  \n , ')).toEqual([])
  })
})

describe('run-id: new and what goes with it', () => {
  const base = { 'api-key': 'cc_key', 'run-id': 'new' }

  test('a worker with input text, a version, and the defaults for abort-on-stop and show-log', () => {
    const inputs = parse({ ...base, 'worker-id': 'coreclaw/maps', input: '{"a":1}', 'worker-version': '1.2.0' })
    expect(inputs).toMatchObject({
      runId: 'new',
      workerId: 'coreclaw/maps',
      workerVersion: '1.2.0',
      input: { text: '{"a":1}' },
      abortOnStop: true,
      showLog: true
    })
  })

  test('a task, NEW in any case', () => {
    expect(parse({ ...base, 'run-id': 'NEW', 'task-id': 'TASK1' })).toMatchObject({ runId: 'new', taskId: 'TASK1' })
  })

  test('exactly one of worker-id and task-id', () => {
    rejects(base, 'worker-id', /exactly one of 'worker-id'/)
    rejects({ ...base, 'worker-id': 'a/b', 'task-id': 'T' }, 'task-id', /exactly one of/)
  })

  test('input and input-file exclude each other, and a task takes neither, nor a version', () => {
    rejects({ ...base, 'worker-id': 'a/b', input: '{}', 'input-file': 'x.json' }, 'input', /one of them/)
    rejects({ ...base, 'task-id': 'T', input: '{}' }, 'input', /Remove 'input': a task runs with the input saved/)
    rejects({ ...base, 'task-id': 'T', 'input-file': 'x.json' }, 'input-file', /Remove 'input-file': a task/)
    rejects({ ...base, 'task-id': 'T', 'worker-version': '1' }, 'worker-version', /only with 'worker-id'/)
  })

  test.each(['input', 'input-file', 'task-id', 'worker-version'] as const)('%s without run-id new is refused', name => {
    rejects({ ...valid, [name]: name === 'input' ? '{}' : 'x' }, name, /Set 'run-id: new'/)
  })

  test('abort-on-stop and show-log take YAML booleans', () => {
    expect(parse({ ...valid, 'abort-on-stop': 'false', 'show-log': 'False' })).toMatchObject({
      abortOnStop: false,
      showLog: false
    })
    rejects({ ...valid, 'abort-on-stop': 'no' }, 'abort-on-stop', /true or false/)
  })
})
