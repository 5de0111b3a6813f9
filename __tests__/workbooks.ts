// Enough of the two workbook formats to see that a file is one, and which values it holds, without
// a spreadsheet library: the sandbox serves workbooks made once (sandbox/workbooks/) and these
// read them back the way a spreadsheet finds its cells.
import { inflateRawSync } from 'node:zlib'

/** The files in a zip archive (an .xlsx), from its central directory: stored or deflated. */
export function unzip(bytes: Buffer): Map<string, Buffer> {
  const end = bytes.lastIndexOf(Buffer.from('PK\u0005\u0006', 'latin1'))
  if (end < 0) throw new Error('not a zip archive: no end of central directory')
  const files = new Map<string, Buffer>()
  let at = bytes.readUInt32LE(end + 16)
  for (let i = bytes.readUInt16LE(end + 10); i > 0; i--) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) throw new Error(`no central directory entry at ${at}`)
    const [method, size, nameLength] = [
      bytes.readUInt16LE(at + 10),
      bytes.readUInt32LE(at + 20),
      bytes.readUInt16LE(at + 28)
    ]
    const local = bytes.readUInt32LE(at + 42)
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28)
    const data = bytes.subarray(start, start + size)
    files.set(bytes.toString('utf8', at + 46, at + 46 + nameLength), method === 8 ? inflateRawSync(data) : data)
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32)
  }
  return files
}

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, name: string) =>
    name[0] === '#'
      ? String.fromCodePoint(Number(name[1].toLowerCase() === 'x' ? `0${name.slice(1)}` : name.slice(1)))
      : { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[name.toLowerCase()]!
  )

/** An .xlsx's sheet names, and every text and number its cells hold (shared strings and values). */
export function xlsxContents(bytes: Buffer): { sheets: string[]; values: string[] } {
  const files = unzip(bytes)
  const xml = (name: string) => files.get(name)?.toString('utf8') ?? ''
  if (!xml('[Content_Types].xml').includes('spreadsheetml')) throw new Error('not an Office Open XML workbook')
  const sheets = [...xml('xl/workbook.xml').matchAll(/<sheet [^>]*name="([^"]*)"/g)].map(([, name]) =>
    unescapeXml(name)
  )
  const cells = [...files.keys()].filter(name => /^xl\/(sharedStrings|worksheets\/sheet\d+)\.xml$/.test(name))
  const values = cells.flatMap(name =>
    [...xml(name).matchAll(/<(t|v)(?:\s[^>]*)?>([^<]*)<\/\1>/g)].map(([, , text]) => unescapeXml(text))
  )
  return { sheets, values }
}

/** Whether an .xls is a BIFF8 workbook in an OLE2 container holding `text` (as Excel stores strings: 8-bit or UTF-16). */
export function xlsHolds(bytes: Buffer, text: string): boolean {
  if (!bytes.subarray(0, 8).equals(Buffer.from('d0cf11e0a1b11ae1', 'hex'))) throw new Error('not an OLE2 container')
  if (!bytes.includes(Buffer.from('Workbook', 'utf16le'))) throw new Error('no Workbook stream')
  return [Buffer.from(text, 'utf16le'), ...(/^[\u0000-\u00ff]*$/.test(text) ? [Buffer.from(text, 'latin1')] : [])].some(
    encoded => bytes.includes(encoded)
  )
}
