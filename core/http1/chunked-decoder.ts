export type ChunkStep = 'more' | 'done' | 'invalid';

const enum State {
  Start,
  Size,
  Extension,
  SizeAlmostDone,
  Data,
  AfterData,
  AfterDataAlmostDone,
  Trailer,
  TrailerAlmostDone,
  TrailerHeader,
  TrailerHeaderAlmostDone,
  Done,
  Invalid,
}

/**
 * nginx refuses a chunk size above NGX_MAX_OFF_T_VALUE - 5 (2^63 - 6). Past 2^53 a JS number is
 * no longer exact, so the size's significant hex digits are compared as text.
 */
const LARGEST = '7ffffffffffffffa';
const CR = 0x0d;
const LF = 0x0a;

function hex(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  const lower = ch | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * nginx 1.22's `ngx_http_parse_chunked` for a request body: hex sizes (leading zeros are fine,
 * a size past nginx's offset limit is not), extensions after `;`, space or tab ignored, CRLF or a
 * bare LF after every line, data exactly as long as its size, trailer lines skipped. Data is
 * handed on as views into the packet, never copied.
 */
export class ChunkedDecoder {
  private state = State.Start;
  private remaining = 0;
  /** The size's hex digits without leading zeros (up to 17: enough to tell it is too large). */
  private digits = '';
  /** Data bytes decoded so far. */
  size = 0;
  /** The body's size once the chunk being read ends (nginx checks client_max_body_size on it). */
  announced = 0;
  /** After 'done': the bytes that followed the body in the last packet. */
  rest: Buffer = Buffer.alloc(0);

  execute(chunk: Buffer, onData: (data: Buffer) => void): ChunkStep {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const ch = chunk[i]!;
      switch (this.state) {
        case State.Start: {
          const digit = hex(ch);
          if (digit === -1) return this.fail();
          this.remaining = digit;
          this.digits = digit === 0 ? '' : chunk.toString('latin1', i, i + 1).toLowerCase();
          this.state = State.Size;
          break;
        }
        case State.Size: {
          const digit = hex(ch);
          if (digit !== -1) {
            this.remaining = this.remaining * 16 + digit;
            if (this.digits !== '' || digit !== 0) {
              if (this.digits.length > LARGEST.length) return this.fail();
              this.digits += chunk.toString('latin1', i, i + 1).toLowerCase();
            }
          } else if (ch === CR) this.state = State.SizeAlmostDone;
          else if (ch === LF) this.sizeDone();
          else if (ch === 0x3b || ch === 0x20 || ch === 0x09) this.state = State.Extension;
          else return this.fail();
          break;
        }
        case State.Extension:
          if (ch === CR) this.state = State.SizeAlmostDone;
          else if (ch === LF) this.sizeDone();
          break;
        case State.SizeAlmostDone:
          if (ch !== LF) return this.fail();
          this.sizeDone();
          break;
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          onData(chunk.subarray(i, i + take));
          this.size += take;
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = State.AfterData;
          continue;
        }
        case State.AfterData:
          if (ch === CR) this.state = State.AfterDataAlmostDone;
          else if (ch === LF) this.state = State.Start;
          else return this.fail();
          break;
        case State.AfterDataAlmostDone:
          if (ch !== LF) return this.fail();
          this.state = State.Start;
          break;
        case State.Trailer:
          if (ch === CR) this.state = State.TrailerAlmostDone;
          else if (ch === LF) return this.finish(chunk, i + 1);
          else this.state = State.TrailerHeader;
          break;
        case State.TrailerAlmostDone:
          if (ch !== LF) return this.fail();
          return this.finish(chunk, i + 1);
        case State.TrailerHeader:
          if (ch === CR) this.state = State.TrailerHeaderAlmostDone;
          else if (ch === LF) this.state = State.Trailer;
          break;
        case State.TrailerHeaderAlmostDone:
          if (ch !== LF) return this.fail();
          this.state = State.Trailer;
          break;
        case State.Done:
        case State.Invalid:
          return this.state === State.Done ? 'done' : 'invalid';
      }
      i++;
    }
    if (this.state === State.Invalid) return 'invalid';
    return this.state === State.Done ? 'done' : 'more';
  }

  private sizeDone(): void {
    const { digits } = this;
    if (digits.length > LARGEST.length || (digits.length === LARGEST.length && digits > LARGEST)) {
      this.fail();
      return;
    }
    this.announced = this.size + this.remaining;
    this.state = this.remaining === 0 ? State.Trailer : State.Data;
  }

  private finish(chunk: Buffer, at: number): ChunkStep {
    this.state = State.Done;
    this.rest = chunk.subarray(at);
    return 'done';
  }

  private fail(): ChunkStep {
    this.state = State.Invalid;
    return 'invalid';
  }
}
