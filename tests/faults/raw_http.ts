/**
 * HTTP/1.1 over a bare TCP connection, for requests no well-behaved client sends: a request target
 * written byte for byte (`..`, `%zz`, unencoded quotes), a body that never ends, a connection held open.
 * Also what the kernel says of a process: its open file descriptors and its resident memory.
 */

export interface RawAnswer {
  status: number;
  headers: Headers;
  /** The body as text, the first `MAX_BODY_BYTES` of it; empty for an event stream. */
  body: string;
}

/** More of an answer than any check here needs; the rest is not read. */
const MAX_BODY_BYTES = 256 * 1024;
const encoder = new TextEncoder();

/**
 * Sends `head` (the request line and headers, ending with an empty line) and then `body`, if any, while
 * reading the answer; ends the connection once the answer is complete. Null when the connection closed
 * without an answer. Writing stops quietly when the server has answered or closed first, as it may for
 * a body it refuses.
 */
export async function rawRequest(
  port: number,
  head: string,
  body?: () => AsyncIterable<Uint8Array>,
): Promise<RawAnswer | null> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let answered = false;
  const writing = (async () => {
    await conn.write(encoder.encode(head));
    if (body) {
      for await (const chunk of body()) {
        if (answered) break;
        await writeAll(conn, chunk);
      }
    }
  })().catch(() => {});
  try {
    return await readAnswer(conn);
  } finally {
    answered = true;
    conn.close();
    await writing;
  }
}

export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) written += await conn.write(bytes.subarray(written));
}

/** `GET target` asking the server to close the connection after the answer. */
export function getHead(target: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines}\r\n`;
}

/** `megabytes` of zeros in 64 KiB chunks, as an HTTP/1.1 chunked body (terminated) or plain bytes. */
export function zeros(megabytes: number, chunked: boolean): () => AsyncIterable<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024);
  const framed = new Uint8Array([...encoder.encode(`${chunk.length.toString(16)}\r\n`), ...chunk, 13, 10]);
  return async function* () {
    for (let i = 0; i < megabytes * 16; i++) yield chunked ? framed : chunk;
    if (chunked) yield encoder.encode("0\r\n\r\n");
  };
}

/** Reads one answer: its head, then the body by Content-Length, chunks, or to the end of the stream. */
async function readAnswer(conn: Deno.Conn): Promise<RawAnswer | null> {
  let buffer = new Uint8Array(0);
  const more = async (): Promise<boolean> => {
    const chunk = new Uint8Array(64 * 1024);
    let n: number | null;
    try {
      n = await conn.read(chunk);
    } catch {
      n = null; // reset by the server: what arrived before counts
    }
    if (n === null) return false;
    const grown = new Uint8Array(buffer.length + n);
    grown.set(buffer);
    grown.set(chunk.subarray(0, n), buffer.length);
    buffer = grown;
    return true;
  };
  let headEnd = -1;
  while ((headEnd = indexOfBlankLine(buffer)) < 0) if (!await more()) return null;
  const [statusLine, ...lines] = new TextDecoder().decode(buffer.subarray(0, headEnd)).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  if (headers.get("content-type")?.startsWith("text/event-stream")) return { status, headers, body: "" };
  const length = headers.get("content-length");
  const chunked = /chunked/i.test(headers.get("transfer-encoding") ?? "");
  const bodyStart = headEnd + 4;
  const complete = () => {
    const received = buffer.length - bodyStart;
    if (received >= MAX_BODY_BYTES) return true;
    if (length !== null) return received >= Number(length);
    return chunked && endsChunks(buffer.subarray(bodyStart));
  };
  while (!complete()) if (!await more()) break;
  let bytes: Uint8Array = buffer.subarray(bodyStart, bodyStart + MAX_BODY_BYTES);
  if (chunked) bytes = dechunk(bytes);
  return { status, headers, body: new TextDecoder().decode(bytes) };
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/** Whether a chunked body has come to its last (empty) chunk. */
function endsChunks(bytes: Uint8Array): boolean {
  let at = 0;
  for (;;) {
    const lineEnd = indexOf(bytes, at);
    if (lineEnd < 0) return false;
    const size = parseInt(new TextDecoder().decode(bytes.subarray(at, lineEnd)), 16);
    if (!Number.isFinite(size)) return true; // not chunked after all: stop reading
    if (size === 0) return true;
    at = lineEnd + 2 + size + 2;
    if (at > bytes.length) return false;
  }
}

function dechunk(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = indexOf(bytes, at);
    if (lineEnd < 0) break;
    const size = parseInt(new TextDecoder().decode(bytes.subarray(at, lineEnd)), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** The index of the next CRLF at or after `from`, or -1. */
function indexOf(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) if (bytes[i] === 13 && bytes[i + 1] === 10) return i;
  return -1;
}

/** How many file descriptors the process holds open (sockets, files, pipes). */
export function openFds(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

/** The process's resident memory now (`VmRSS`) and at its peak (`VmHWM`), in MiB. */
export function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}

/** Starts the peak (`VmHWM`) again from the present resident memory. */
export function resetPeak(pid: number): void {
  Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
}
