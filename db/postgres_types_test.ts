import assert from "node:assert/strict";
import { parseArray, parseBytea, serializeArray, serializeBytea } from "./postgres_types.ts";

const text = (value: string) => value;

Deno.test("parseArray tells SQL null from the text NULL and unescapes quoted elements", () => {
  assert.deepEqual(parseArray(`{a,NULL,"NULL","b,c","q\\"x","back\\\\slash",""}`, text), [
    "a",
    null,
    "NULL",
    "b,c",
    'q"x',
    "back\\slash",
    "",
  ]);
  assert.deepEqual(parseArray("{}", text), []);
  assert.deepEqual(parseArray("{{1,2},{3,NULL}}", Number), [[1, 2], [3, null]]);
  assert.deepEqual(parseArray("[0:1]={7,8}", Number), [7, 8]);
  assert.throws(() => parseArray(`{"unterminated`, text), SyntaxError);
});

Deno.test("serializeArray quotes every text so none can become null; numbers and booleans go bare", () => {
  assert.equal(serializeArray(["a", null, "NULL", 'q"x', "b\\s"]), `{"a",NULL,"NULL","q\\"x","b\\\\s"}`);
  assert.equal(serializeArray([[1, 2], [3]]), `{{1,2},{3}}`);
  assert.equal(serializeArray([1.5, -2, 1e-7, null, true, false]), `{1.5,-2,1e-7,NULL,t,f}`);
  assert.equal(serializeArray([]), "{}");
  assert.equal(parseArray(serializeArray(["x,y", null, "{z}"]), text).length, 3);
});

Deno.test("bytea hex round-trips", () => {
  const bytes = new Uint8Array([0, 15, 16, 255]);
  assert.equal(serializeBytea(bytes), "\\x000f10ff");
  assert.deepEqual(parseBytea("\\x000f10ff"), bytes);
});
