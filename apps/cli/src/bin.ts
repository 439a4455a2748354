#!/usr/bin/env node
import { main } from "./program.js";

const code = await main(process.argv);
// Writes to a pipe are asynchronous: exiting at once would cut a large output (`hygge schema`,
// `--json`) short. An empty write's callback runs once everything written before it is flushed.
await Promise.all(
  [process.stdout, process.stderr].map(
    (stream) =>
      new Promise<void>((resolve) => (stream.writableEnded ? resolve() : stream.write("", () => resolve()))),
  ),
);
// Plugins may keep worker threads or sockets alive; everything was flushed and closed by now.
process.exit(code);
