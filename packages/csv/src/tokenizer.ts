import { HyggeError } from "@hygge/core";
import { PLUGIN } from "./columns.js";

/**
 * The cells of the current record, as the column builders read them: by bytes (no string made)
 * where they can, by text otherwise. Valid until the cursor moves.
 */
export interface Cells {
  /** Fields in the record. */
  count: number;
  /** The line the record starts on (the file's own, counting line breaks inside quoted fields). */
  line: number;
  /** The cell is a null marker (unquoted, or quoted with `quoted_nulls`). */
  isNull(c: number): boolean;
  /** The cell's text (null for a null marker). */
  text(c: number): string | null;
  /** Puts the cell's value, as UTF-8 bytes without quotes or escapes, in vbuf[vstart, vend). */
  value(c: number): void;
  vbuf: Uint8Array;
  vstart: number;
  vend: number;
}

/** Cells that advance record by record over the bytes fed so far. */
export interface Cursor extends Cells {
  /** Moves to the next complete record; false when more bytes are needed (or the file ended). */
  next(): boolean;
}

export interface TokenizerOptions {
  delimiter: string;
  quote: string;
  escape: string;
  encoding: "utf8" | "latin1";
  null_values: string[];
  quoted_nulls: boolean;
}

const LF = 10;
const CR = 13;
const QUOTED = 1;
const ESCAPED = 2;
const EMPTY = Buffer.alloc(0);
const HINT =
  "check the file's delimiter, quote and escape options, and that every row has the header's number of fields";

/** The single byte a character is in the file's encoding, or undefined (then csv-parse reads it). */
export function singleByte(char: string, encoding: "utf8" | "latin1"): number | undefined {
  const code = char.charCodeAt(0);
  return char.length === 1 && code < (encoding === "utf8" ? 0x80 : 0x100) ? code : undefined;
}

/**
 * An RFC 4180 tokenizer over the file's bytes, fed chunk by chunk. Records end at `\n`, `\r\n` or
 * `\r`, in any mix. A record cut by a chunk's end is scanned again once more bytes came, and only
 * after the bytes pending have doubled, so a huge quoted field costs linear time, not quadratic.
 * Fields are kept as offsets into the buffer: nothing is decoded unless a builder asks for text.
 */
export class Tokenizer implements Cursor {
  count = 0;
  line = 1;
  vbuf: Uint8Array = EMPTY;
  vstart = 0;
  vend = 0;

  private readonly delim: Buffer;
  private readonly d0: number;
  private readonly quote: number;
  private readonly esc: number;
  private readonly latin1: boolean;
  private readonly quotedNulls: boolean;
  private readonly nullEmpty: boolean;
  private readonly markers: Buffer[];
  private readonly markerTexts: Set<string>;
  private bom: boolean;
  private buf: Buffer = EMPTY;
  private owned = false;
  private len = 0;
  /** Where the next record starts. */
  private pos = 0;
  /** An incomplete record is scanned again once `len` reaches this. */
  private retryAt = 0;
  private ended = false;
  private nextLine = 1;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private flags = new Uint8Array(64);
  private scratch = Buffer.allocUnsafe(1024);

  constructor(
    options: TokenizerOptions,
    private readonly url: string,
  ) {
    this.latin1 = options.encoding === "latin1";
    const encoding = this.latin1 ? "latin1" : "utf8";
    this.delim = Buffer.from(options.delimiter, encoding);
    this.d0 = this.delim[0]!;
    this.quote = singleByte(options.quote, options.encoding)!;
    this.esc = singleByte(options.escape, options.encoding)!;
    this.quotedNulls = options.quoted_nulls;
    this.nullEmpty = options.null_values.includes("");
    const markers = options.null_values.filter((m) => m !== "" && (!this.latin1 || /^[\0-\xff]*$/.test(m)));
    this.markers = markers.map((m) => Buffer.from(m, encoding));
    this.markerTexts = new Set(markers);
    this.bom = !this.latin1;
  }

  /** Adds the next chunk of the file; the records before it have been read. */
  feed(chunk: Buffer): void {
    const pending = this.len - this.pos;
    if (pending === 0) {
      this.buf = chunk;
      this.owned = false;
      this.len = chunk.length;
    } else {
      const need = pending + chunk.length;
      if (!this.owned || this.buf.length < need) {
        const grown = Buffer.allocUnsafe(Math.max(need, this.owned ? this.buf.length * 2 : 64 * 1024));
        this.buf.copy(grown, 0, this.pos, this.len);
        this.buf = grown;
        this.owned = true;
      } else if (this.pos > 0) this.buf.copyWithin(0, this.pos, this.len);
      chunk.copy(this.buf, pending);
      this.retryAt -= this.pos;
      this.len = need;
    }
    this.pos = 0;
  }

  /** The file has no more bytes: its last record may end without a line break. */
  end(): void {
    this.ended = true;
  }

  next(): boolean {
    if (this.bom) {
      if (this.len < 3 && !this.ended) return false;
      this.bom = false;
      const b = this.buf;
      if (this.len >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.pos = 3;
    }
    for (;;) {
      if (this.pos >= this.len) return false;
      if (!this.ended && this.len < this.retryAt) return false;
      const end = this.scan();
      if (end < 0) {
        if (this.ended) throw this.error(this.nextLine + this.breaks, "a quoted field is not closed");
        this.retryAt = this.pos + 2 * (this.len - this.pos);
        return false;
      }
      this.pos = end;
      this.retryAt = 0;
      this.line = this.nextLine;
      this.nextLine += this.breaks;
      // An empty line is skipped (its line still counts).
      if (this.count === 1 && this.flags[0] === 0 && this.starts[0] === this.ends[0]) continue;
      return true;
    }
  }

  /** Line breaks in the record scanned last. */
  private breaks = 0;

  /**
   * Scans the record at `pos`: its fields' offsets go to starts/ends/flags. Returns where the next
   * record starts, or -1 when the bytes so far end inside the record.
   */
  private scan(): number {
    const b = this.buf;
    const end = this.len;
    const { quote, esc, d0, ended } = this;
    const dlen = this.delim.length;
    let i = this.pos;
    let n = 0;
    this.breaks = 0;
    for (;;) {
      if (n === this.starts.length) this.grow();
      if (i < end && b[i] === quote) {
        let j = i + 1;
        let flag = QUOTED;
        for (;;) {
          if (j >= end) return -1;
          const ch = b[j]!;
          if (ch === quote) {
            if (esc === quote && j + 1 < end && b[j + 1] === quote) {
              flag = QUOTED | ESCAPED;
              j += 2;
              continue;
            }
            break;
          }
          if (ch === esc) {
            // At the end of the bytes, the record is incomplete anyway: it is scanned again.
            const after = b[j + 1];
            if (after === quote || after === esc) {
              flag = QUOTED | ESCAPED;
              j += 2;
              continue;
            }
          } else if (ch === LF || (ch === CR && b[j + 1] !== LF)) this.breaks++;
          j++;
        }
        this.starts[n] = i + 1;
        this.ends[n] = j;
        this.flags[n++] = flag;
        i = j + 1;
        if (i >= end) {
          if (!ended) return -1;
          this.count = n;
          return i;
        }
        const ch = b[i]!;
        // (A delimiter cut by the end of the bytes leaves the record incomplete: scanned again.)
        if (ch === d0 && (dlen === 1 || this.delimiterAt(i) !== 0)) {
          i += dlen;
          continue;
        }
        if (ch === LF || ch === CR) return this.recordEnd(i, n);
        throw this.error(
          this.nextLine + this.breaks,
          `a closing quote is followed by ${JSON.stringify(String.fromCharCode(ch))} instead of a delimiter or a line break`,
        );
      }
      let j = i;
      for (; j < end; j++) {
        const ch = b[j];
        if (ch === d0) {
          // A delimiter cut by the end of the bytes: the record is incomplete, scanned again.
          if (dlen === 1 || this.delimiterAt(j) > 0) break;
        } else if (ch === LF || ch === CR) break;
        else if (ch === quote)
          throw this.error(
            this.nextLine + this.breaks,
            `a quote inside unquoted field ${n + 1} (quote the whole field, doubling the quotes inside)`,
          );
      }
      this.starts[n] = i;
      this.ends[n] = j;
      this.flags[n++] = 0;
      if (j >= end) {
        if (!ended) return -1;
        this.count = n;
        return j;
      }
      if (b[j] === d0) {
        i = j + dlen;
        continue;
      }
      return this.recordEnd(j, n);
    }
  }

  /** At a line break ending a record of n fields: where the next record starts, or -1. */
  private recordEnd(i: number, n: number): number {
    this.count = n;
    this.breaks++;
    if (this.buf[i] === LF) return i + 1;
    if (i + 1 >= this.len) return this.ended ? i + 1 : -1;
    return this.buf[i + 1] === LF ? i + 2 : i + 1;
  }

  /** 1 when the (multi-byte) delimiter is at i, 0 when not, -1 when the bytes end before we know. */
  private delimiterAt(i: number): number {
    const d = this.delim;
    for (let k = 1; k < d.length; k++) {
      if (i + k >= this.len) return this.ended ? 0 : -1;
      if (this.buf[i + k] !== d[k]) return 0;
    }
    return 1;
  }

  private grow() {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const flags = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    flags.set(this.flags);
    this.starts = starts;
    this.ends = ends;
    this.flags = flags;
  }

  private error(line: number, message: string): HyggeError {
    return new HyggeError("HOME_READ_FAILED", `${this.url} line ${line}: ${message}`, {
      plugin: PLUGIN,
      subject: this.url,
      hint: HINT,
    });
  }

  isNull(c: number): boolean {
    const flag = this.flags[c]!;
    if (flag !== 0 && !this.quotedNulls) return false;
    const start = this.starts[c]!;
    const length = this.ends[c]! - start;
    if (length === 0) return this.nullEmpty;
    const markers = this.markers;
    if (markers.length === 0) return false;
    if (flag & ESCAPED) {
      this.value(c);
      return this.markerTexts.has((this.vbuf as Buffer).toString("utf8", this.vstart, this.vend));
    }
    for (const marker of markers)
      if (marker.length === length && this.buf.compare(marker, 0, length, start, start + length) === 0)
        return true;
    return false;
  }

  text(c: number): string | null {
    if (this.isNull(c)) return null;
    this.value(c);
    const v = this.vbuf as Buffer;
    return v.toString("utf8", this.vstart, this.vend);
  }

  value(c: number): void {
    const b = this.buf;
    const start = this.starts[c]!;
    const end = this.ends[c]!;
    const escaped = (this.flags[c]! & ESCAPED) !== 0;
    if (!escaped && (!this.latin1 || ascii(b, start, end))) {
      this.vbuf = b;
      this.vstart = start;
      this.vend = end;
      return;
    }
    if (this.scratch.length < 2 * (end - start)) this.scratch = Buffer.allocUnsafe(2 * (end - start));
    const out = this.scratch;
    const { quote, esc, latin1 } = this;
    let o = 0;
    for (let k = start; k < end; k++) {
      let ch = b[k]!;
      if (escaped && ch === esc && k + 1 < end && (b[k + 1] === quote || b[k + 1] === esc)) ch = b[++k]!;
      if (latin1 && ch >= 0x80) {
        out[o++] = 0xc0 | (ch >> 6);
        out[o++] = 0x80 | (ch & 0x3f);
      } else out[o++] = ch;
    }
    this.vbuf = out;
    this.vstart = 0;
    this.vend = o;
  }
}

function ascii(b: Buffer, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (b[k]! >= 0x80) return false;
  return true;
}
