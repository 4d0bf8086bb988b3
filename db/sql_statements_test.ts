import assert from "node:assert/strict";
import { splitStatements } from "./sql_statements.ts";

Deno.test("splitStatements splits on top-level semicolons only", () => {
  const script = `
    -- leading comment; not a statement
    create table "odd;name" (x text default 'it''s; fine', y text default E'back\\'; slash');
    /* block; /* nested; */ still comment */
    create function f() returns text language sql as $body$ select 'a;b' $body$;
    select $$;$$, 1;
    select x$y from t; -- identifier with a dollar
    -- trailing comment only
  `;
  assert.deepEqual(splitStatements(script), [
    `create table "odd;name" (x text default 'it''s; fine', y text default E'back\\'; slash')`,
    "create function f() returns text language sql as $body$ select 'a;b' $body$",
    "select $$;$$, 1",
    "select x$y from t",
  ]);
});

Deno.test("splitStatements keeps a last statement without a semicolon and drops empty ones", () => {
  assert.deepEqual(splitStatements(";; select 1 ;\n\n select 2"), ["select 1", "select 2"]);
  assert.deepEqual(splitStatements("  -- nothing\n/* at all */  "), []);
});
