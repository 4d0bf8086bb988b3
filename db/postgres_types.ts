/**
 * Type handling for npm `postgres` so it behaves as PGlite does: int8 as number, bytea as a plain
 * Uint8Array, arrays whose SQL nulls come back as null (3.4.9 hands them over as the text "NULL"), and
 * timestamps given as text sent as they are (3.4.9 passes them through Date, dropping microseconds).
 */
import type postgres from "postgres";

type Parse = (text: string) => unknown;

const toNumber: Parse = (text) => Number(text);
const toText: Parse = (text) => text;
// The same as the driver's own parser for scalar timestamps and dates.
const toDate: Parse = (text) => new Date(text);

/** Parses bytea in the server's hex output format (`\x00ff`). */
export function parseBytea(text: string): Uint8Array {
  return Uint8Array.fromHex(text.slice(2));
}

/** Formats bytes as a bytea hex literal. */
export function serializeBytea(bytes: Uint8Array): string {
  return `\\x${bytes.toHex()}`;
}

/** Element parsers by array type OID: the array types a collector plausibly selects. */
const ARRAY_ELEMENTS: Record<number, Parse> = {
  1000: (text) => text === "t", // bool[]
  1001: parseBytea, // bytea[]
  1005: toNumber, // int2[]
  1007: toNumber, // int4[]
  1016: toNumber, // int8[]
  1021: toNumber, // float4[]
  1022: toNumber, // float8[]
  1028: toNumber, // oid[]
  199: JSON.parse, // json[]
  3807: JSON.parse, // jsonb[]
  1182: toDate, // date[]
  1115: toDate, // timestamp[]
  1185: toDate, // timestamptz[]
  1003: toText, // name[]
  1009: toText, // text[]
  1014: toText, // bpchar[]
  1015: toText, // varchar[]
  1231: toText, // numeric[]
  2951: toText, // uuid[]
};

/**
 * Parses an array literal (`{1,NULL,"a \"b\""}`, nested, optionally with `[1:3]=` bounds). Unquoted
 * NULL is SQL null; a quoted "NULL" is text.
 */
export function parseArray(text: string, parseElement: Parse): unknown[] {
  let at = text.startsWith("[") ? text.indexOf("=") + 1 : 0;
  const malformed = () => new SyntaxError(`malformed array literal at ${at}: ${text.slice(0, 80)}`);

  const readQuoted = (): string => {
    let value = "";
    for (at++; at < text.length && text[at] !== '"'; at++) {
      if (text[at] === "\\") at++;
      value += text[at];
    }
    if (at >= text.length) throw malformed();
    at++;
    return value;
  };

  const readArray = (): unknown[] => {
    if (text[at] !== "{") throw malformed();
    at++;
    const items: unknown[] = [];
    if (text[at] === "}") {
      at++;
      return items;
    }
    while (at < text.length) {
      if (text[at] === "{") items.push(readArray());
      else if (text[at] === '"') items.push(parseElement(readQuoted()));
      else {
        let end = at;
        while (end < text.length && text[end] !== "," && text[end] !== "}") end++;
        const raw = text.slice(at, end);
        at = end;
        items.push(raw.toUpperCase() === "NULL" ? null : parseElement(raw));
      }
      if (text[at] === "}") {
        at++;
        return items;
      }
      if (text[at] !== ",") throw malformed();
      at++;
    }
    throw malformed();
  };

  return readArray();
}

/**
 * Formats a JS array as an array literal. Text is always quoted, so no text can turn into NULL; numbers
 * and booleans need no quotes (called for every element of 2,000-row columns, so it stays lean).
 */
export function serializeArray(values: unknown): string {
  if (!Array.isArray(values)) return String(values);
  return `{${values.map(serializeElement).join(",")}}`;
}

const ESCAPED = /[\\"]/;

function serializeElement(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "t" : "f";
  if (Array.isArray(value)) return serializeArray(value);
  const text = typeof value === "string"
    ? value
    : value instanceof Date
    ? value.toISOString()
    : value instanceof Uint8Array
    ? serializeBytea(value)
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);
  return `"${ESCAPED.test(text) ? text.replace(/[\\"]/g, "\\$&") : text}"`;
}

/** The `types` option for npm `postgres`. */
export const postgresTypes: Record<string, postgres.PostgresType> = {
  date: {
    to: 1184,
    from: [1082, 1114, 1184],
    serialize: (value: Date | string) => value instanceof Date ? value.toISOString() : String(value),
    parse: toDate,
  },
  int8: {
    to: 20,
    from: [20],
    serialize: (value: number | bigint | string) => String(value),
    parse: toNumber,
  },
  bytea: { to: 17, from: [17], serialize: serializeBytea, parse: parseBytea },
  ...Object.fromEntries(
    Object.entries(ARRAY_ELEMENTS).map(([oid, parseElement]) => [
      `array_${oid}`,
      {
        to: Number(oid),
        from: [Number(oid)],
        serialize: serializeArray,
        parse: (text: string) => parseArray(text, parseElement),
      },
    ]),
  ),
};
