/**
 * Where the recorded VATSIM snapshots are: `VATSIM_FIXTURES`, else `../shared/fixtures/vatsim/` beside
 * the repository. They are read from there, never copied into the project.
 */
const configured = Deno.env.get("VATSIM_FIXTURES");

/** The fixture folder as a URL ending in `/`. */
export const FIXTURES: URL = configured
  ? new URL(configured.endsWith("/") ? configured : `${configured}/`, `file://${Deno.cwd()}/`)
  : new URL("../../../shared/fixtures/vatsim/", import.meta.url);

/** The same folder as a file-system path ending in `/`. */
export const FIXTURES_DIR: string = decodeURIComponent(FIXTURES.pathname);

try {
  Deno.statSync(FIXTURES_DIR);
} catch {
  throw new Error(
    `the recorded VATSIM snapshots are missing at ${FIXTURES_DIR}; set VATSIM_FIXTURES to their folder`,
  );
}
