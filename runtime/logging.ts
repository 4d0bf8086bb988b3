/** Log set-up shared by the main thread and every worker: one LogTape configuration, pretty or JSON lines. */
import { configure, getAnsiColorFormatter, getConsoleSink, getJsonLinesFormatter } from "@logtape/logtape";
import type { LogSettings } from "./wire.ts";

/** Configures LogTape for this thread. Each worker is its own JavaScript realm, so each calls this once. */
export async function configureLogging(settings: LogSettings): Promise<void> {
  const formatter = settings.format === "json" ? getJsonLinesFormatter() : getAnsiColorFormatter({
    timestamp: "date-time-tz",
  });
  await configure({
    reset: true,
    sinks: { console: getConsoleSink({ formatter }) },
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
      { category: [], lowestLevel: settings.level, sinks: ["console"] },
    ],
  });
}
