// Writes a large JSON document piece by piece: a 5 x 1,000 render is 30 MB of JSON, and one JSON.stringify of it
// holds the whole text (and its intermediate strings) in memory at once.
import { closeSync, openSync, writeSync } from "node:fs";

/** The same bytes as `JSON.stringify(value, null, 2)` plus a newline, written a top-level member at a time. */
export function writeJsonFile(path: string, value: unknown, depth = 2): void {
  const fd = openSync(path, "w");
  // Pieces are gathered into writes of about a megabyte: one system call per piece costs more than the rest.
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    writeSync(fd, pending.join(""));
    pending = [];
    pendingLength = 0;
  };
  try {
    writePretty(
      (text) => {
        pending.push(text);
        pendingLength += text.length;
        if (pendingLength >= 1 << 20) flush();
      },
      value,
      "",
      depth,
    );
    pending.push("\n");
    flush();
  } finally {
    closeSync(fd);
  }
}

type Write = (text: string) => void;

/** Members JSON.stringify keeps: undefined, functions and symbols are left out of objects. */
function kept(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

function writePretty(write: Write, value: unknown, indent: string, depth: number): void {
  const isObject = typeof value === "object" && value !== null && !("toJSON" in value);
  const entries: [string | undefined, unknown][] = !isObject
    ? []
    : Array.isArray(value)
      ? value.map((item): [undefined, unknown] => [undefined, kept(item) ? item : null])
      : Object.entries(value).filter(([, member]) => kept(member));
  if (depth === 0 || entries.length === 0) {
    write(JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`));
    return;
  }
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  write(open);
  entries.forEach(([key, member], index) => {
    write(`${index > 0 ? "," : ""}\n${indent}  ${key === undefined ? "" : `${JSON.stringify(key)}: `}`);
    writePretty(write, member, `${indent}  `, depth - 1);
  });
  write(`\n${indent}${close}`);
}
