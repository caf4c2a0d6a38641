/** How the CLI writes to a terminal: colour unless NO_COLOR is set to anything (https://no-color.org). */

import { rawValue, type Env } from './readers.ts';

/** Whether text for a terminal may be coloured: on a TTY, and NO_COLOR unset or empty. */
export function useColor(env: Env, isTTY: boolean): boolean {
  return isTTY && rawValue(env['NO_COLOR']) === undefined;
}
