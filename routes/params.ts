/** Validation of route parameters, so every route rejects a bad name the same way before using it. */
import { z } from "zod";
import { HttpError } from "./errors.ts";

const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;

/** An actor or supervisor name as it may appear in a path. */
export const ActorNameSchema = z.string().regex(NAME_PATTERN);

/** Returns the parameter if it is a valid actor name; otherwise throws 400 `invalid_parameter`. */
export function actorName(value: string | undefined, param = "name"): string {
  const parsed = ActorNameSchema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, "invalid_parameter", `parameter "${param}" must match ${NAME_PATTERN.source}`);
  }
  return parsed.data;
}
