/**
 * Splits a SQL script into statements, so a failing migration can name the statement that failed.
 * Semicolons inside quotes, quoted identifiers, dollar quotes and comments do not split.
 */

const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;

/**
 * The statements of `script`, each without its leading comments; empty ones are dropped.
 *
 * @example
 * ```ts
 * splitStatements("create table a (x text default ';'); -- done\n"); // ["create table a (x text default ';')"]
 * ```
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let at = 0;
  while (at < script.length) {
    const char = script[at];
    const next = script[at + 1];
    const previous = script[at - 1] ?? "";
    if (char === "-" && next === "-") at = lineEnd(script, at);
    else if (char === "/" && next === "*") at = blockCommentEnd(script, at);
    else if (char === "'") {
      // E'…' strings also escape with backslashes; a plain '…' only by doubling the quote.
      const escaped = /[eE]/.test(previous) && !IDENTIFIER_CHAR.test(script[at - 2] ?? "");
      at = quoteEnd(script, at, "'", escaped);
    } else if (char === '"') at = quoteEnd(script, at, '"', false);
    else if (char === "$" && !IDENTIFIER_CHAR.test(previous)) at = dollarQuoteEnd(script, at);
    else if (char === ";") {
      keep(statements, script.slice(start, at));
      start = at += 1;
    } else at += 1;
  }
  keep(statements, script.slice(start));
  return statements;
}

function keep(statements: string[], piece: string): void {
  const statement = withoutLeadingComments(piece).trimEnd();
  if (statement !== "") statements.push(statement);
}

function withoutLeadingComments(piece: string): string {
  let rest = piece.trimStart();
  while (rest.startsWith("--") || rest.startsWith("/*")) {
    rest = rest.slice(rest.startsWith("--") ? lineEnd(rest, 0) : blockCommentEnd(rest, 0)).trimStart();
  }
  return rest;
}

function lineEnd(script: string, at: number): number {
  const end = script.indexOf("\n", at);
  return end < 0 ? script.length : end + 1;
}

/** Block comments nest in PostgreSQL. */
function blockCommentEnd(script: string, at: number): number {
  let depth = 0;
  while (at < script.length) {
    if (script.startsWith("/*", at)) {
      depth += 1;
      at += 2;
    } else if (script.startsWith("*/", at)) {
      depth -= 1;
      at += 2;
      if (depth === 0) return at;
    } else at += 1;
  }
  return script.length;
}

function quoteEnd(script: string, at: number, quote: string, backslashEscapes: boolean): number {
  for (at += 1; at < script.length; at += 1) {
    if (backslashEscapes && script[at] === "\\") at += 1;
    else if (script[at] === quote) {
      if (script[at + 1] !== quote) return at + 1;
      at += 1;
    }
  }
  return script.length;
}

function dollarQuoteEnd(script: string, at: number): number {
  DOLLAR_TAG.lastIndex = at;
  const tag = DOLLAR_TAG.exec(script);
  if (tag === null) return at + 1;
  const end = script.indexOf(tag[0], at + tag[0].length);
  return end < 0 ? script.length : end + tag[0].length;
}
