import assert from "node:assert/strict";
import { arrayLiteral } from "./array_literal.ts";
import { driverCases } from "../tests/helpers/databases.ts";

Deno.test("arrayLiteral quotes strings, escapes quotes and backslashes, and writes NULL, numbers and booleans bare", () => {
  assert.equal(arrayLiteral([]), "{}");
  assert.equal(
    arrayLiteral(["a", 'say "hi"', "back\\slash", "", "NULL", "a,b}"]),
    String.raw`{"a","say \"hi\"","back\\slash","","NULL","a,b}"}`,
  );
  assert.equal(
    arrayLiteral([1, -2.5, 1e21, Number.NaN, Infinity, -Infinity, null]),
    "{1,-2.5,1e+21,NaN,Infinity,-Infinity,NULL}",
  );
  assert.equal(arrayLiteral([true, false, 12n]), "{t,f,12}");
  assert.equal(arrayLiteral([new Date(Date.UTC(2024, 4, 1, 12))]), '{"2024-05-01T12:00:00.000Z"}');
  assert.equal(arrayLiteral([[1, 2], [3, null]]), "{{1,2},{3,NULL}}");
  assert.throws(() => arrayLiteral([1, undefined]), /undefined/);
  assert.throws(() => arrayLiteral([{ a: 1 }]), /unsupported kind/);
});

const hostile = [
  "plain",
  'quo"te',
  "back\\slash\\",
  "",
  "NULL",
  "{braces}",
  "comma,",
  " spaced ",
  "ünïcødé ✈",
  "\t\n",
];

for (const driver of driverCases) {
  Deno.test({
    name:
      `${driver.kind} reads array literals back as the values they were built from, in a transaction or not`,
    ignore: driver.ignore,
    fn: () =>
      driver.withDatabase(async (db) => {
        const text = "select $1::text[] as t, $2::float8[] as f, $3::bool[] as b, $4::int[] as n";
        const params = [
          arrayLiteral(hostile),
          arrayLiteral([0.1, -1e-7, 123456.789, null]),
          arrayLiteral([true, null, false]),
          arrayLiteral([1, 2_000_000]),
        ];
        // Outside a transaction statements are not prepared; inside one they are (db/postgres_driver.ts).
        const rows = [
          ...await db.query(text, params),
          ...await db.transaction((tx) => tx.query(text, params)),
        ];
        for (const row of rows) {
          assert.deepEqual(row.t, hostile);
          assert.deepEqual(row.f, [0.1, -1e-7, 123456.789, null]);
          assert.deepEqual(row.b, [true, null, false]);
          assert.deepEqual(row.n, [1, 2_000_000]);
        }
      }),
  });
}
